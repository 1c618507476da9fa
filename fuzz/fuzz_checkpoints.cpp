// fuzz: what a Hugging Face model folder is read through before any tensor is: a safetensors
// file's header (core/pretrained/safetensors_header.h: its length, JSON, each tensor's dtype,
// shape and byte range checked against the file) and config.json (core/pretrained/hf_config.h).
// The first byte picks which reads the rest.
#include "fuzz_input.h"
#include "pretrained/hf_config.h"
#include "pretrained/safetensors_header.h"
#include "util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  TRUSTLAB_FUZZ_EXPECTING_INPUT_ERRORS({
    if (data[0] % 2 == 0) {
      trustlab::parseSafetensorsHeader("model.safetensors", data + 1, size - 1);
    } else {
      trustlab::HfConfig::fromJson(std::string(reinterpret_cast<const char*>(data + 1), size - 1), "config.json");
    }
  });
}
