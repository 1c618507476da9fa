// core/privacy: the Gaussian noise of a private step, drawn on the gradient's own device and added
// in place. On CPU, float32 noise comes from the vectorised Box–Muller sampler (privacy/box_muller.h,
// about 6× faster than ATen's), other types from ATen; the draw is split into fixed chunks, each with a stream seeded
// from one per-call seed and the chunk's index, so noise is parallel yet identical for any thread count.
// In secure mode every draw comes from privacy/secure_noise.h instead (ChaCha20, snapped).
#pragma once
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "privacy/secure_noise.h"

namespace trustlab {

class GaussianNoise {
 public:
  /// `seed` seeds every draw: reproducible noise, NOT secure (its generators can be predicted).
  GaussianNoise(uint64_t seed, const torch::Device& device);
  /// Secure mode: every draw from `secure` (shared with the caller's other secret draws); not
  /// reproducible, no state to save.
  explicit GaussianNoise(std::shared_ptr<SecureNoise> secure);

  /// grad ← (grad + N(0, std²·I)) · scale, in place on grad's device.
  void addTo(torch::Tensor& grad, double stddev, double scale);

  /// The generators' states, so that a resumed run draws the noise it would have drawn (none in
  /// secure mode).
  std::vector<torch::Tensor> state() const;
  void restore(const std::vector<torch::Tensor>& state);

 private:
  void addOnCpu(torch::Tensor& grad, double stddev, double scale);

  torch::Device device_;
  at::Generator seeds_;   // CPU: one 64-bit seed per call, from which every chunk's stream derives
  at::Generator onDevice_;  // accelerators: the device's own generator, re-seeded privately
  std::shared_ptr<SecureNoise> secure_;  // secure mode: all draws
};

}  // namespace trustlab
