#include "privacy/ziggurat.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "util/simd_clones.h"

namespace trustlab {
namespace {

constexpr int kLayers = 256;
constexpr double kR = 3.6541528853610088;  // right edge of the widest rectangle (256 layers)
constexpr double kV = 4.92867323399e-3;    // area of each layer, the base one including the tail

double density(double x) { return std::exp(-0.5 * x * x); }

// Layer i > 0 spans y ∈ [f(xᵢ), f(xᵢ₋₁)] and x ∈ [0, xᵢ]; layer 0 is the base rectangle of width
// v/f(r) plus the tail. A draw x = m·wᵢ (m the 53 magnitude bits of a 64-bit word) is accepted at
// once when m < kᵢ, i.e. x < xᵢ₋₁, where the whole layer lies under the curve (Marsaglia & Tsang
// 2000, §2).
struct Tables {
  static constexpr int kBits = 53;
  static constexpr double kMagnitudes = double(int64_t(1) << kBits);
  std::array<int64_t, kLayers> k;
  std::array<double, kLayers> w, f;

  Tables() {
    const double q = kV / density(kR);
    k[0] = int64_t(kR / q * kMagnitudes);
    k[1] = 0;
    w[0] = q / kMagnitudes;
    w[kLayers - 1] = kR / kMagnitudes;
    f[0] = 1;
    f[kLayers - 1] = density(kR);
    double outer = kR;
    for (int i = kLayers - 2; i >= 1; --i) {
      const double x = std::sqrt(-2.0 * std::log(kV / outer + density(outer)));  // f(xᵢ) = f(xᵢ₊₁) + v/xᵢ₊₁
      k[i + 1] = int64_t(x / outer * kMagnitudes);
      w[i] = x / kMagnitudes;
      f[i] = density(x);
      outer = x;
    }
  }
  static const Tables& get() {
    static const Tables t;
    return t;
  }
};

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

// The slow path for a word outside its layer's inner rectangle: the wedge test, or the tail. The
// word's low 8 bits are its layer, bit 8 its sign, its top 53 bits its magnitude; `rng` gives the
// extra bits (uniform() in [0, 1), next() a fresh word).
double rejectOrRedraw(BufferedWords& rng, uint64_t word) {
  const Tables& t = Tables::get();
  for (;;) {
    const uint32_t layer = uint32_t(word & 0xff);
    const auto magnitude = int64_t(word >> (64 - Tables::kBits));
    const bool negative = word & 0x100;
    const double x = double(magnitude) * t.w[layer];
    if (magnitude < t.k[layer]) return negative ? -x : x;
    if (layer == 0) {  // the tail beyond r: r + E/r accepted w.p. exp(-E²/2r²) (Marsaglia 1964)
      for (;;) {
        const double e = -std::log1p(-rng.uniform()) / kR, y = -std::log1p(-rng.uniform());
        if (y + y > e * e) return negative ? -(kR + e) : kR + e;
      }
    }
    if (t.f[layer] + rng.uniform() * (t.f[layer - 1] - t.f[layer]) < density(x)) return negative ? -x : x;
    word = rng.next();
  }
}

// The quick draw of every word: x = ±m·w_layer, and whether it lies in the layer's inner rectangle
// (about 99 % do). Branch-free, so that it vectorises; built for AVX2 and AVX-512 too, whose
// gathers do the table lookups.
TRUSTLAB_SIMD_CLONES
void quickDraws(const uint64_t* __restrict words, int64_t n, const double* __restrict w,
                  const int64_t* __restrict k, double* __restrict x, int64_t* __restrict outside) {
  for (int64_t j = 0; j < n; ++j) {
    const auto layer = int64_t(words[j] & 0xff), magnitude = int64_t(words[j] >> 11);
    const double sign = 1.0 - double(int64_t((words[j] >> 7) & 2));  // ±1 from bit 8
    x[j] = sign * double(magnitude) * w[layer];
    outside[j] = magnitude >= k[layer];
  }
}

}  // namespace

void standardNormals(double* z, int64_t n, RandomWords& words, RandomWords& spareWords) {
  const Tables& t = Tables::get();
  BufferedWords spare(spareWords);
  constexpr int64_t kWords = 512;  // words per block: the block stays in L1
  uint64_t block[kWords];
  int64_t outside[kWords];
  for (int64_t start = 0; start < n; start += kWords) {
    const int64_t count = std::min(kWords, n - start);
    words.fill(block, count);
    quickDraws(block, count, t.w.data(), t.k.data(), z + start, outside);
    for (int64_t j = 0; j < count; ++j)
      if (outside[j]) z[start + j] = rejectOrRedraw(spare, block[j]);
  }
}

ZigguratShape zigguratShape() {
  return {kR, kV, Tables::get().w[1] * Tables::kMagnitudes};
}

}  // namespace trustlab
