#include "privacy/ziggurat.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "util/simd_clones.h"

namespace trustlab {
namespace {

constexpr int kLayers = 256;
constexpr double kR = 3.6541528853610088;  // right edge of the widest rectangle (256 layers)
constexpr double kV = 4.92867323399e-3;    // area of each layer, the base one including the tail

double density(double x) { return std::exp(-0.5 * x * x); }

// Layer i > 0 spans y ∈ [f(xᵢ), f(xᵢ₋₁)] and x ∈ [0, xᵢ]; layer 0 is the base rectangle of width
// v/f(r) plus the tail. A draw x = m·wᵢ (m the magnitude bits) is accepted at once when m < kᵢ,
// i.e. x < xᵢ₋₁, where the whole layer lies under the curve (Marsaglia & Tsang 2000, §2). Float
// draws take 23 magnitude bits of a 32-bit word; double draws 53 of a 64-bit word.
template <typename Real, typename IntType, int kMagnitudeBits>
struct Tables {
  using Int = IntType;
  static constexpr int kBits = kMagnitudeBits;
  static constexpr double kMagnitudes = double(Int(1) << kBits);
  std::array<Int, kLayers> k;
  std::array<Real, kLayers> w, f;

  Tables() {
    const double q = kV / density(kR);
    k[0] = Int(kR / q * kMagnitudes);
    k[1] = 0;
    w[0] = Real(q / kMagnitudes);
    w[kLayers - 1] = Real(kR / kMagnitudes);
    f[0] = 1;
    f[kLayers - 1] = Real(density(kR));
    double outer = kR;
    for (int i = kLayers - 2; i >= 1; --i) {
      const double x = std::sqrt(-2.0 * std::log(kV / outer + density(outer)));  // f(xᵢ) = f(xᵢ₊₁) + v/xᵢ₊₁
      k[i + 1] = Int(x / outer * kMagnitudes);
      w[i] = Real(x / kMagnitudes);
      f[i] = Real(density(x));
      outer = x;
    }
  }
  static const Tables& get() {
    static const Tables t;
    return t;
  }
};
using FloatTables = Tables<float, int32_t, 23>;
using DoubleTables = Tables<double, int64_t, 53>;

// One xoshiro256++ step (Blackman & Vigna 2018) on a state of 64-bit words or of GCC vectors of them.
// Everything by reference: a vector passed by value would change the ABI between the SIMD clones.
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

TRUSTLAB_SIMD_CLONES
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
// (about 99 % do). Branch-free, so that it vectorises; built for AVX2 and AVX-512 too, whose
// gathers do the table lookups.
TRUSTLAB_SIMD_CLONES
void quickDraws(const uint32_t* __restrict words, int64_t n, const float* __restrict w,
                const int32_t* __restrict k, float* __restrict x, int32_t* __restrict outside) {
  for (int64_t j = 0; j < n; ++j) {  // signed lanes: GCC gathers only with int32 indices
    const auto layer = int32_t(words[j] & 0xff), magnitude = int32_t(words[j] >> 9);
    const float sign = 1.0f - float(int32_t((words[j] >> 7) & 2));  // ±1 from bit 8
    x[j] = sign * float(magnitude) * w[layer];
    outside[j] = magnitude >= k[layer];
  }
}

// The slow path for a word outside its layer's inner rectangle: the wedge test, or the tail. The
// word's low 8 bits are its layer, bit 8 its sign, its top kBits bits its magnitude; `rng` gives
// the extra bits (uniform() in [0, 1), next() a fresh word).
template <typename T, typename Word, typename Rng>
double rejectOrRedraw(Rng& rng, Word word) {
  const T& t = T::get();
  constexpr int kShift = int(sizeof(Word)) * 8 - T::kBits;
  for (;;) {
    const uint32_t layer = uint32_t(word & 0xff);
    const auto magnitude = static_cast<typename T::Int>(word >> kShift);
    const bool negative = word & 0x100;
    const double x = double(magnitude) * double(t.w[layer]);
    if (magnitude < t.k[layer]) return negative ? -x : x;
    if (layer == 0) {  // the tail beyond r: r + E/r accepted w.p. exp(-E²/2r²) (Marsaglia 1964)
      for (;;) {
        const double e = -std::log1p(-rng.uniform()) / kR, y = -std::log1p(-rng.uniform());
        if (y + y > e * e) return negative ? -(kR + e) : kR + e;
      }
    }
    if (double(t.f[layer]) + rng.uniform() * double(t.f[layer - 1] - t.f[layer]) < density(x)) return negative ? -x : x;
    word = Word(rng.next());
  }
}

// The double-precision quick draw of every 64-bit word, as quickDraws does for floats.
TRUSTLAB_SIMD_CLONES
void quickDraws64(const uint64_t* __restrict words, int64_t n, const double* __restrict w,
                  const int64_t* __restrict k, double* __restrict x, int64_t* __restrict outside) {
  for (int64_t j = 0; j < n; ++j) {
    const auto layer = int64_t(words[j] & 0xff), magnitude = int64_t(words[j] >> 11);
    const double sign = 1.0 - double(int64_t((words[j] >> 7) & 2));  // ±1 from bit 8
    x[j] = sign * double(magnitude) * w[layer];
    outside[j] = magnitude >= k[layer];
  }
}

/// RandomWords as the rejection path wants them, a word at a time from a buffered block.
class BufferedWords {
 public:
  explicit BufferedWords(RandomWords& source) : source_(source) {}
  uint64_t next() {
    if (used_ == kSize) {
      source_.fill(buffer_, kSize);
      used_ = 0;
    }
    return buffer_[used_++];
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }

 private:
  static constexpr int64_t kSize = 64;
  RandomWords& source_;
  uint64_t buffer_[kSize];
  int64_t used_ = kSize;
};

}  // namespace

void addScaledGaussian(float* g, int64_t n, uint64_t seed, float stddev, float scale) {
  const FloatTables& t = FloatTables::get();
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
      if (outside[j]) x[j] = float(rejectOrRedraw<FloatTables>(spare, words[j]));
    float* out = g + start;
    for (int64_t j = 0; j < count; ++j) out[j] = (out[j] + stddev * x[j]) * scale;
  }
}

void standardNormals(double* z, int64_t n, RandomWords& words, RandomWords& spareWords) {
  const DoubleTables& t = DoubleTables::get();
  BufferedWords spare(spareWords);
  constexpr int64_t kWords = kBlock / 2;
  uint64_t block[kWords];
  int64_t outside[kWords];
  for (int64_t start = 0; start < n; start += kWords) {
    const int64_t count = std::min(kWords, n - start);
    words.fill(block, count);
    quickDraws64(block, count, t.w.data(), t.k.data(), z + start, outside);
    for (int64_t j = 0; j < count; ++j)
      if (outside[j]) z[start + j] = rejectOrRedraw<DoubleTables>(spare, block[j]);
  }
}

ZigguratShape zigguratShape() {
  const FloatTables& t = FloatTables::get();
  return {kR, kV, double(t.w[1]) * FloatTables::kMagnitudes};
}

}  // namespace trustlab
