// core/privacy: exact standard normal samples for DP noise on CPU, about 2× faster than ATen's
// Box–Muller. The ziggurat method (Marsaglia & Tsang 2000) with 256 layers, each draw's layer index,
// sign and magnitude taken from disjoint bits of one word (Doornik 2005: sharing bits skews the
// tails), the tail beyond r by Marsaglia's (1964) exponential rejection. Seeded noise: 32-bit words
// from xoshiro256++ (Blackman & Vigna 2018), float32 magnitudes of 23 bits within a layer, as in
// NumPy's float sampler. Secure noise: 64-bit words from a caller's generator (a CSPRNG),
// double magnitudes of 53 bits, dense enough to round onto a fine grid (privacy/secure_noise.h).
#pragma once
#include <cstdint>

namespace trustlab {

/// g[i] ← (g[i] + stddev·Zᵢ)·scale for i < n, the Zᵢ standard normals from the stream `seed`.
void addScaledGaussian(float* g, int64_t n, uint64_t seed, float stddev, float scale);

/// Uniform 64-bit words, a block at a time.
class RandomWords {
 public:
  virtual ~RandomWords() = default;
  virtual void fill(uint64_t* words, int64_t n) = 0;
};

/// z[i] ← a standard normal in double precision for i < n: one word of `words` per draw, and the
/// rare rejections' extra bits from `spare` (a separate stream, so a draw's word is its index's).
void standardNormals(double* z, int64_t n, RandomWords& words, RandomWords& spare);

/// The ziggurat's layer edges x₁ < … < x₂₅₅ = r and the common layer area v (for tests).
struct ZigguratShape {
  double r, v, x1;
};
ZigguratShape zigguratShape();

}  // namespace trustlab
