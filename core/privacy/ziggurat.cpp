#include "privacy/ziggurat.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

// The hot loops are also built for AVX2 and picked at load time; the package runs on any x86-64.
#if defined(__x86_64__) && defined(__GNUC__)
#define TRUSTLAB_AVX2_CLONE __attribute__((target_clones("avx2", "default")))
#else
#define TRUSTLAB_AVX2_CLONE
#endif

namespace trustlab {
namespace {

constexpr int kLayers = 256;
constexpr double kR = 3.6541528853610088;  // right edge of the widest rectangle (256 layers)
constexpr double kV = 4.92867323399e-3;    // area of each layer, the base one including the tail
constexpr double kMagnitudes = 0x1.0p23;   // 23 magnitude bits per draw

double density(double x) { return std::exp(-0.5 * x * x); }

// Layer i > 0 spans y ∈ [f(xᵢ), f(xᵢ₋₁)] and x ∈ [0, xᵢ]; layer 0 is the base rectangle of width
// v/f(r) plus the tail. A draw x = m·wᵢ (m the 23-bit magnitude) is accepted at once when m < kᵢ,
// i.e. x < xᵢ₋₁, where the whole layer lies under the curve (Marsaglia & Tsang 2000, §2).
struct Tables {
  std::array<int32_t, kLayers> k;
  std::array<float, kLayers> w, f;

  Tables() {
    const double q = kV / density(kR);
    k[0] = int32_t(kR / q * kMagnitudes);
    k[1] = 0;
    w[0] = float(q / kMagnitudes);
    w[kLayers - 1] = float(kR / kMagnitudes);
    f[0] = 1.0f;
    f[kLayers - 1] = float(density(kR));
    double outer = kR;
    for (int i = kLayers - 2; i >= 1; --i) {
      const double x = std::sqrt(-2.0 * std::log(kV / outer + density(outer)));  // f(xᵢ) = f(xᵢ₊₁) + v/xᵢ₊₁
      k[i + 1] = int32_t(x / outer * kMagnitudes);
      w[i] = float(x / kMagnitudes);
      f[i] = float(density(x));
      outer = x;
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

// One xoshiro256++ step (Blackman & Vigna 2018) on a state of 64-bit words or of GCC vectors of them.
// Everything by reference: a vector passed by value would change the ABI between the AVX2 clones.
template <typename U>
inline void xoshiroStep(U& s0, U& s1, U& s2, U& s3, U& result) {
  const U t = s1 << 17;
  result = ((s0 + s3) << 23 | (s0 + s3) >> 41) + s0;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = s3 << 45 | s3 >> 19;
}

// One stream, seeded through SplitMix64 as the authors recommend (never the all-zero state).
class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed) {
    for (auto* s : {&s0_, &s1_, &s2_, &s3_}) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      *s = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    uint64_t result;
    xoshiroStep(s0_, s1_, s2_, s3_, result);
    return result;
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }  // [0, 1), 53 random bits

 private:
  uint64_t s0_, s1_, s2_, s3_;
};

// kLanes streams side by side in GCC vector types, so that one step of all of them is a few vector
// instructions (lowered to whatever the target has); lane l seeded from the call's seed and l. A
// block's words are the low halves of each step's outputs, then the high halves.
constexpr int kLanes = 4;
constexpr int64_t kBlock = 1024;  // words per block, a multiple of 2·kLanes; the block stays in L1
typedef uint64_t Lanes64 __attribute__((vector_size(8 * kLanes)));
typedef uint32_t Lanes32 __attribute__((vector_size(4 * kLanes)));

struct XoshiroLanes {
  Lanes64 s[4];
  explicit XoshiroLanes(uint64_t seed) {
    for (int l = 0; l < kLanes; ++l) {
      Xoshiro256 lane(seed + 0x632be59bd9b4e019ULL * uint64_t(l + 1));
      for (auto& word : s) word[l] = lane.next();
    }
  }
};

TRUSTLAB_AVX2_CLONE
void fillWords(XoshiroLanes& lanes, uint32_t* words) {
  Lanes64 s0 = lanes.s[0], s1 = lanes.s[1], s2 = lanes.s[2], s3 = lanes.s[3];
  for (int64_t i = 0; i < kBlock; i += 2 * kLanes) {
    Lanes64 result;
    xoshiroStep(s0, s1, s2, s3, result);
    const Lanes32 low = __builtin_convertvector(result, Lanes32), high = __builtin_convertvector(result >> 32, Lanes32);
    std::memcpy(words + i, &low, sizeof low);
    std::memcpy(words + i + kLanes, &high, sizeof high);
  }
  lanes.s[0] = s0, lanes.s[1] = s1, lanes.s[2] = s2, lanes.s[3] = s3;
}

// The quick draw of every word: x = ±m·w_layer, and whether it lies in the layer's inner rectangle
// (about 99 % do). Branch-free, so that it vectorises; built for AVX2 too, whose gathers do the table
// lookups.
TRUSTLAB_AVX2_CLONE
void quickDraws(const uint32_t* __restrict words, int64_t n, const float* __restrict w,
                const int32_t* __restrict k, float* __restrict x, int32_t* __restrict outside) {
  for (int64_t j = 0; j < n; ++j) {  // signed lanes: GCC gathers only with int32 indices
    const auto layer = int32_t(words[j] & 0xff), magnitude = int32_t(words[j] >> 9);
    const float sign = 1.0f - float(int32_t((words[j] >> 7) & 2));  // ±1 from bit 8
    x[j] = sign * float(magnitude) * w[layer];
    outside[j] = magnitude >= k[layer];
  }
}

// The slow path for a word outside its layer's inner rectangle: the wedge test, or the tail.
float rejectOrRedraw(Xoshiro256& rng, uint32_t word, const Tables& t) {
  for (;;) {
    const uint32_t layer = word & 0xff, magnitude = word >> 9;
    const bool negative = word & 0x100;
    const double x = double(magnitude) * t.w[layer];
    if (int32_t(magnitude) < t.k[layer]) return float(negative ? -x : x);
    if (layer == 0) {  // the tail beyond r: r + E/r accepted w.p. exp(-E²/2r²) (Marsaglia 1964)
      for (;;) {
        const double e = -std::log1p(-rng.uniform()) / kR, y = -std::log1p(-rng.uniform());
        if (y + y > e * e) return float(negative ? -(kR + e) : kR + e);
      }
    }
    if (t.f[layer] + rng.uniform() * (t.f[layer - 1] - t.f[layer]) < density(x))
      return float(negative ? -x : x);
    word = uint32_t(rng.next());
  }
}

}  // namespace

void addScaledGaussian(float* g, int64_t n, uint64_t seed, float stddev, float scale) {
  const Tables& t = tables();
  XoshiroLanes lanes(seed);
  Xoshiro256 spare(~seed);  // the rare rejections' extra bits
  uint32_t words[kBlock];
  float x[kBlock];
  int32_t outside[kBlock];
  for (int64_t start = 0; start < n; start += kBlock) {
    const int64_t count = std::min(kBlock, n - start);
    fillWords(lanes, words);
    quickDraws(words, count, t.w.data(), t.k.data(), x, outside);
    for (int64_t j = 0; j < count; ++j)
      if (outside[j]) x[j] = rejectOrRedraw(spare, words[j], t);
    float* out = g + start;
    for (int64_t j = 0; j < count; ++j) out[j] = (out[j] + stddev * x[j]) * scale;
  }
}

ZigguratShape zigguratShape() {
  const Tables& t = tables();
  return {kR, kV, double(t.w[1]) * kMagnitudes};
}

}  // namespace trustlab
