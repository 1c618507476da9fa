// fuzz: the SNIPS 2017 raw loader (core/data/loaders/snips_raw.cpp): one intent's training and
// validation JSON, the input's two parts.
#include "data/loaders/loaders.h"
#include "fuzz_input.h"
#include "util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto p = trustlab::fuzz::parts(data, size, 2);
  TRUSTLAB_FUZZ_EXPECTING_INPUT_ERRORS({
    const auto& dir = trustlab::fuzz::scratch();
    trustlab::fuzz::write(dir, "PlayMusic/train_PlayMusic_full.json", p[0]);
    trustlab::fuzz::write(dir, "PlayMusic/validate_PlayMusic.json", p[1]);
    trustlab::loadSnipsRaw(dir.string());
  });
}
