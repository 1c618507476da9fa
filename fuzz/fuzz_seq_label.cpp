// fuzz: the Goo et al. split loader (core/data/loaders/seq_label.cpp): seq.in, label and seq.out
// of one split, the input's three parts.
#include "data/loaders/loaders.h"
#include "fuzz_input.h"
#include "util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto p = trustlab::fuzz::parts(data, size, 3);
  TRUSTLAB_FUZZ_EXPECTING_INPUT_ERRORS({
    const auto& dir = trustlab::fuzz::scratch();
    trustlab::fuzz::write(dir, "train/seq.in", p[0]);
    trustlab::fuzz::write(dir, "train/label", p[1]);
    if (p[2].empty()) std::filesystem::remove(dir / "train/seq.out");
    else trustlab::fuzz::write(dir, "train/seq.out", p[2]);
    trustlab::loadSeqLabelFolder((dir / "train").string());
  });
}
