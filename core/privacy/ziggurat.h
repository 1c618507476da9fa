// core/privacy: exact standard normal samples in double precision for secure DP noise
// (privacy/secure_noise.h). The ziggurat method (Marsaglia & Tsang 2000) with 256 layers, each
// draw's layer index, sign and magnitude taken from disjoint bits of one 64-bit word (Doornik 2005:
// sharing bits skews the tails), magnitudes of 53 bits within a layer (dense enough to round onto a
// fine grid), the tail beyond r by Marsaglia's (1964) exponential rejection. Words from a caller's
// generator (a CSPRNG). Seeded float noise draws by privacy/box_muller.h instead.
#pragma once
#include <cstdint>

namespace trustlab {

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
