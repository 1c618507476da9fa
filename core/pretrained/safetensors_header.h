// core/pretrained: the header of a safetensors file — an 8-byte little-endian length, then a JSON
// object naming each tensor's dtype, shape and byte range (and optional string metadata) — parsed
// and checked without LibTorch, so the fuzzers (fuzz/) reach it alone. safetensors.h maps the
// file and reads tensors through it. Format: github.com/huggingface/safetensors (README, "Format").
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace trustlab {

struct SafetensorsEntry {
  std::string dtype;  ///< "F32", "F16", "BF16" (the ones TrustLab converts); others are listed but not read
  std::vector<int64_t> shape;
  size_t begin = 0, end = 0;  ///< bytes of the data section
};

struct SafetensorsHeader {
  size_t dataStart = 0;  ///< where the data section begins (8 + the header's length)
  std::map<std::string, SafetensorsEntry> entries;
  std::map<std::string, std::string> metadata;
};

/// Parses the header of the safetensors file whose `size` bytes are at `bytes` and checks it:
/// a JSON object, every tensor's range inside the data section, its size equal to its shape times
/// its dtype's width, no two overlapping. InputError naming `path` (and the tensor) otherwise.
SafetensorsHeader parseSafetensorsHeader(const std::string& path, const unsigned char* bytes, size_t size);

}  // namespace trustlab
