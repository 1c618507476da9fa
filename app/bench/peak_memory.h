// trustlab-bench: peak tensor memory of a measured region. CPU: a counting wrapper around
// LibTorch's CPU allocator, installed for the whole process; CUDA: the caching allocator's peak
// statistics (bytes handed to tensors, not what the cache reserved).
#pragma once
#include <torch/types.h>

#include <cstdint>

namespace trustlab::bench {

class PeakMemory {
 public:
  /// Starts counting CPU allocations (call before creating the model: all tensors then count).
  static void installCpuCounter();
  /// Restarts the peak at the bytes live now.
  static void reset(const torch::Device& device);
  /// The highest number of bytes live in tensors since the last reset; -1 where unknown.
  static int64_t peak(const torch::Device& device);
};

}  // namespace trustlab::bench
