// core/pretrained: safetensors files (Hugging Face's weight format): an 8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
// little-endian data. Read memory-mapped (nothing is copied until a tensor is asked for, then it
// is converted to the compute dtype); written back the same way for fine-tuned models.
// Format: github.com/huggingface/safetensors (README, "Format").
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pretrained/safetensors_header.h"

namespace trustlab {

class SafetensorsFile {
 public:
  /// Maps `path` and checks its header (parseSafetensorsHeader). InputError naming the file (and
  /// the tensor) otherwise.
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  /// Tensor names in file order of their data.
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  /// InputError naming the file and the tensor when it is absent.
  const SafetensorsEntry& entry(const std::string& name) const;
  /// A copy of tensor `name` in `dtype` (F32, F16 and BF16 stored; InputError for any other).
  torch::Tensor tensor(const std::string& name, torch::Dtype dtype = torch::kFloat32) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::string path_;
  const unsigned char* data_ = nullptr;  ///< the mapped file
  size_t size_ = 0, dataStart_ = 0;
  std::map<std::string, SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

/// Writes `tensors` (any floating dtype: stored as F32, or F16/BF16 when they are) with the
/// metadata, through a temporary file renamed over `path`. InputError naming the file.
void writeSafetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace trustlab
