// fuzz: the CLINC150 loader (core/data/loaders/clinc.cpp) on a data_full.json of any shape.
#include "data/loaders/loaders.h"
#include "fuzz_input.h"
#include "util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  TRUSTLAB_FUZZ_EXPECTING_INPUT_ERRORS({
    const auto path = trustlab::fuzz::write(trustlab::fuzz::scratch(), "data_full.json", text);
    trustlab::loadClinc(path, size % 2 == 0);
  });
}
