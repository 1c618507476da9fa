// core/util: a small, portable, seedable PRNG. std::mt19937 is portable but std::*_distribution
// are not, so generated data and shuffles use this to be identical on every platform/compiler.
#pragma once
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace trustlab {

class SplitMix64 {
 public:
  // A UniformRandomBitGenerator, so std distributions can draw from it where portability across
  // standard libraries does not matter.
  using result_type = uint64_t;
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return UINT64_MAX; }
  uint64_t operator()() { return next(); }

  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  /// The stream of item `index` of a family (a client, …): independent of every other item's, so
  /// an item is the same whichever others were drawn before.
  static SplitMix64 stream(uint64_t seed, uint64_t index) {
    SplitMix64 mix(seed);
    return SplitMix64(mix.next() ^ (index * 0xd1b54a32d192ed03ULL));
  }
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) without modulo bias.
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = next(); while (x >= limit);
    return x % n;
  }
  /// Uniform in [0, 1).
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  /// Standard normal (Box–Muller; one of the pair).
  double normal() {
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  uint64_t state_;
};

template <typename T>
void shuffleDeterministic(std::vector<T>& v, SplitMix64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace trustlab
