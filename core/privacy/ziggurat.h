// core/privacy: exact standard normal samples for DP noise on CPU, about 2× faster than ATen's
// Box–Muller. The ziggurat method (Marsaglia & Tsang 2000) with 256 layers, each draw's layer index,
// sign and magnitude taken from disjoint bits of one 32-bit word (Doornik 2005: sharing bits skews
// the tails), the tail beyond r by Marsaglia's (1964) exponential rejection; the bits come from
// xoshiro256++ (Blackman & Vigna 2018). Float32 magnitudes have 23 bits within a layer, as in NumPy's
// float sampler: every value a float Box–Muller can produce is on a comparable grid.
#pragma once
#include <cstdint>

namespace trustlab {

/// g[i] ← (g[i] + stddev·Zᵢ)·scale for i < n, the Zᵢ standard normals from the stream `seed`.
void addScaledGaussian(float* g, int64_t n, uint64_t seed, float stddev, float scale);

/// The ziggurat's layer edges x₁ < … < x₂₅₅ = r and the common layer area v (for tests).
struct ZigguratShape {
  double r, v, x1;
};
ZigguratShape zigguratShape();

}  // namespace trustlab
