#include "privacy/box_muller.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "util/random.h"
#include "util/simd_clones.h"

namespace trustlab {
namespace {

constexpr int kLanes = 8;
constexpr int64_t kPairs = 512;  // pairs per block: its words and the draws stay in L1
typedef uint64_t Lanes64 __attribute__((vector_size(8 * kLanes)));

// One xoshiro256++ step of kLanes streams at once, a few vector instructions. Everything by
// reference: a vector passed by value would change the ABI between the SIMD clones.
inline void xoshiroStep(Lanes64& s0, Lanes64& s1, Lanes64& s2, Lanes64& s3, Lanes64& result) {
  const Lanes64 t = s1 << 17;
  result = ((s0 + s3) << 23 | (s0 + s3) >> 41) + s0;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = s3 << 45 | s3 >> 19;
}

// kLanes streams, every state word from SplitMix64 as the authors recommend (never all zero).
struct XoshiroLanes {
  Lanes64 s[4];
  explicit XoshiroLanes(uint64_t seed) {
    SplitMix64 mix(seed);
    for (auto& word : s)
      for (int l = 0; l < kLanes; ++l) word[l] = mix.next();
  }
};

TRUSTLAB_SIMD_CLONES
void fillWords(XoshiroLanes& lanes, uint64_t* words, int64_t n) {  // n a multiple of kLanes
  Lanes64 s0 = lanes.s[0], s1 = lanes.s[1], s2 = lanes.s[2], s3 = lanes.s[3];
  for (int64_t i = 0; i < n; i += kLanes) {
    Lanes64 result;
    xoshiroStep(s0, s1, s2, s3, result);
    std::memcpy(words + i, &result, sizeof result);
  }
  lanes.s[0] = s0, lanes.s[1] = s1, lanes.s[2] = s2, lanes.s[3] = s3;
}

// ln u for u = (word's top 63 bits | 1)·2⁻⁶³ ∈ [2⁻⁶³, 1]. With u = m·2ᵉ, m ∈ [√½, √2) (found from
// the float's bits as musl's logf does, without a branch): ln u = e·ln 2 + ln m, ln m by Cephes'
// logf polynomial in x = m − 1 (about 1 ulp), ln 2 in two parts (0.693359375 exact in few bits,
// −2.12194440e-4 the rest) so that e·ln 2 loses nothing.
inline float logUniform(uint64_t word) {
  const float f = float(int64_t((word >> 1) | 1));  // in [1, 2⁶³]
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  const uint32_t offset = bits - 0x3f3504f3u;  // less √½'s bits: the exponent k with f·2⁻ᵏ ∈ [√½, √2)
  const uint32_t mantissaBits = bits - (offset & 0xff800000u);
  float m;
  std::memcpy(&m, &mantissaBits, sizeof m);
  const float e = float((int32_t(offset) >> 23) - 63), x = m - 1.0f, x2 = x * x;
  float p = 7.0376836292e-2f;
  p = p * x - 1.1514610310e-1f;
  p = p * x + 1.1676998740e-1f;
  p = p * x - 1.2420140846e-1f;
  p = p * x + 1.4249322787e-1f;
  p = p * x - 1.6668057665e-1f;
  p = p * x + 2.0000714765e-1f;
  p = p * x - 2.4999993993e-1f;
  p = p * x + 3.3333331174e-1f;
  const float y = p * x * x2 - 2.12194440e-4f * e - 0.5f * x2;
  return x + y + 0.693359375f * e;
}

// √2·(cos θ, sin θ) for θ = 2π·h/2³²: the quarter q (h's top 2 bits) has middle a = π/4 + q·π/2,
// and θ = a + φ with φ ∈ [−π/4, π/4), whose cos and sin Taylor polynomials give to float precision
// (the first terms left out are below 3e-8); then the rotation by a, whose cos and sin are ±√½.
inline void direction(uint32_t h, float& cosine, float& sine) {
  const uint32_t q = h >> 30;
  const float phi = (float(int32_t(h & 0x3fffffffu)) * 0x1.0p-30f - 0.5f) * 1.57079632679489662f, p2 = phi * phi;
  const float s = phi * (1.0f + p2 * (-1.0f / 6 + p2 * (1.0f / 120 + p2 * (-1.0f / 5040 + p2 * (1.0f / 362880)))));
  const float c = 1.0f + p2 * (-0.5f + p2 * (1.0f / 24 + p2 * (-1.0f / 720 + p2 * (1.0f / 40320))));
  // cos a, sin a, ·√2: ± by arithmetic, not a select (which GCC would turn into branches).
  const float cosA = float(1 - 2 * int32_t((q ^ (q >> 1)) & 1)), sinA = float(1 - 2 * int32_t(q >> 1));
  cosine = cosA * c - sinA * s;
  sine = sinA * c + cosA * s;
}

inline void normalPair(uint64_t radiusWord, uint64_t angleWord, float& z0, float& z1) {
  const float r = std::sqrt(-logUniform(radiusWord));  // √(−2 ln u₁)/√2, against direction's √2
  float cosine, sine;
  direction(uint32_t(angleWord >> 32), cosine, sine);
  z0 = r * cosine;
  z1 = r * sine;
}

// first[j] and second[j] ← themselves·scale + stddev·scale·(the pair of radius[j], angle[j]).
TRUSTLAB_SIMD_CLONES
void addPairs(const uint64_t* __restrict radius, const uint64_t* __restrict angle, int64_t n, float* __restrict first,
              float* __restrict second, float stddev, float scale) {
  const float spread = stddev * scale;
  for (int64_t j = 0; j < n; ++j) {
    float z0, z1;
    normalPair(radius[j], angle[j], z0, z1);
    first[j] = first[j] * scale + spread * z0;
    second[j] = second[j] * scale + spread * z1;
  }
}

}  // namespace

std::array<float, 2> standardNormalPair(uint64_t radiusWord, uint64_t angleWord) {
  std::array<float, 2> z;
  normalPair(radiusWord, angleWord, z[0], z[1]);
  return z;
}

void addScaledGaussian(float* g, int64_t n, uint64_t seed, float stddev, float scale) {
  XoshiroLanes lanes(seed);
  uint64_t words[2 * kPairs];  // radius words, then angle words
  for (int64_t start = 0; start < n; start += 2 * kPairs) {
    const int64_t count = std::min(2 * kPairs, n - start), pairs = count / 2;
    fillWords(lanes, words, 2 * kPairs);
    float* out = g + start;
    addPairs(words, words + kPairs, pairs, out, out + pairs, stddev, scale);
    if (count % 2) {  // an odd last draw: the first of one more pair
      const float z = standardNormalPair(words[pairs], words[kPairs + pairs])[0];
      out[count - 1] = out[count - 1] * scale + stddev * scale * z;
    }
  }
}

}  // namespace trustlab
