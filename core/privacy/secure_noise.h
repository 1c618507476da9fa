// core/privacy: secure-mode randomness of a private step. Every bit comes from ChaCha20 under a
// key from the kernel (privacy/chacha20.h), never from a seed a run could store or a Mersenne
// Twister whose state its outputs reveal.
//
// The Gaussian mechanism is snapped against floating-point attacks (Mironov 2012; Jin et al.
// 2022): the clipped sum is rounded to a grid Λ·ℤ, Λ = 2^(⌊log₂ std⌋ − 30), and the noise is a
// 53-bit double-precision normal rounded to the same grid, both added exactly in integers of Λ.
// The released value is thus a rounding of (rounded sum + N(0, std²)) — post-processing of the
// ideal real-valued Gaussian mechanism, up to the sampler's resolution (its 53-bit draws put about
// 2²⁰ possible values in each grid step, so each grid point's probability is right to about one
// part in a million) — and its support Λ·ℤ is the same for every input, so the holes in
// floating-point noise that the attacks read cannot say which input it was. (Opacus
// sums 4 floating-point samples instead (Holohan & Braghin 2021), which shrinks the holes but
// keeps them.) Rounding moves each of two neighbouring sums by ≤ Λ/2 per coordinate, so the
// sensitivity grows from C to at most C + Λ·√d: noiseMultiplierBeforeSnapping is the σ to draw
// so that the snapped mechanism is as private as σ-noise on sensitivity C (a few parts per
// million more).
#pragma once
#include <torch/types.h>

#include <cstdint>

#include "privacy/chacha20.h"

namespace trustlab {

class SecureNoise {
 public:
  /// A fresh key from the kernel.
  SecureNoise();
  /// A given key (tests: the same key gives the same draws, for any thread count).
  explicit SecureNoise(const ChaChaKey& key);

  /// grad ← (snap(grad) + snap(N(0, std²·I)))·scale in place, on any device and type (the noise
  /// is drawn on the CPU; float32 CPU tensors in place without copies).
  void addTo(torch::Tensor& grad, double stddev, double scale);
  /// n independent uniforms in [0, 1) with 53 random bits each (double, CPU): Poisson sampling.
  torch::Tensor uniforms(int64_t n);
  /// One standard normal (adaptive clipping's noisy count).
  double normal();

  /// The grid Λ of noise with this std: a power of two in (std·2⁻³¹, std·2⁻³⁰].
  static double grid(double stddev);

 private:
  template <typename T>
  void addSnapped(T* g, int64_t n, double stddev, double scale, uint64_t stream) const;

  ChaChaKey key_;
  uint64_t streams_ = 0;  ///< streams used so far: each draw takes a new one, never reused under a key
};

/// The noise multiplier s to draw for snapped noise over d = `coordinates` values to be as private
/// as σ-noise on sensitivity C: s·C/(C + Λ√d) ≥ s/(1 + s·√d·2⁻³⁰) = σ, so s = σ/(1 − σ·√d·2⁻³⁰).
/// InputError naming privacy.noise_multiplier when σ·√d ≥ 2³⁰ (no such s).
double noiseMultiplierBeforeSnapping(double sigma, int64_t coordinates);

}  // namespace trustlab
