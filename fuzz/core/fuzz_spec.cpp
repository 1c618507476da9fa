// fuzz: the spec reader. Any text where a spec is expected gives an InputError naming the field
// (ExperimentSpec::fromJson: every declared field, its type and range, the sections), or a spec
// that validates without crashing and reads back from its own JSON exactly: a spec TrustLab writes
// (stored with every run) that it could not read again would lose the run's recipe.
#include <cstdlib>
#include <optional>

#include "../fuzz_input.h"
#include "spec/experiment_spec.h"
#include "util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<trustlab::ExperimentSpec> spec;
  try {
    spec = trustlab::ExperimentSpec::fromJson(std::string(reinterpret_cast<const char*>(data), size), "spec.json");
    spec->validate();
  } catch (const trustlab::InputError&) {
    return 0;
  }
  const auto written = spec->toJson();
  if (trustlab::ExperimentSpec::fromJson(written, "its own JSON").toJson() != written) std::abort();
  return 0;
}
