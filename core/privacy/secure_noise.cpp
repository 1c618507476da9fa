#include "privacy/secure_noise.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "util/simd_clones.h"
#include "util/errors.h"

namespace trustlab {
namespace {

constexpr int64_t kSubstream = 1 << 14;        // elements per ChaCha20 substream (parallel, thread-count free)
constexpr int64_t kDrawBlock = 512;            // normals drawn at a time (stay in L1 with their words)
constexpr uint32_t kSpare = 0x80000000u;        // substream bit of the rejections' extra words
constexpr double kMaxUnits = 0x1.0p51;          // |snapped sum| in grid units: sums stay exact below 2^53

/// x rounded to the nearest integer (ties to even) for |x| ≤ 2^51: adding and taking away 1.5·2^52
/// leaves no fraction bits. Exact, and a few times faster than std::nearbyint, which is a libm call
/// on baseline x86-64.
inline double roundToInteger(double x) {
  constexpr double kShift = 0x1.8p52;
  return (x + kShift) - kShift;
}

/// x with its magnitude capped at kMaxUnits (a NaN becomes ±kMaxUnits): on the bits, as integers,
/// because a floating-point comparison may trap, which keeps GCC from vectorising the loop.
inline double clampToMaxUnits(double x) {
  constexpr uint64_t kSign = 0x8000000000000000ULL, kLimit = 0x4320000000000000ULL;  // the bits of 2^51
  static_assert(kMaxUnits == 0x1.0p51);
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const uint64_t magnitude = bits & ~kSign;
  bits = (bits & kSign) | (magnitude < kLimit ? magnitude : kLimit);
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

/// out[j] ← (snap(out[j]) + snap(noise·z[j]))·unit·scale: integers of the grid, added exactly; only
/// the final scaling and cast round (post-processing).
template <typename T>
TRUSTLAB_SIMD_CLONES void snapBlock(T* __restrict out, const double* __restrict z, int64_t n, double perUnit,
                                   double noiseUnits, double unitScale) {
  for (int64_t j = 0; j < n; ++j) {
    const double units = clampToMaxUnits(double(out[j]) * perUnit);
    out[j] = T((roundToInteger(units) + roundToInteger(z[j] * noiseUnits)) * unitScale);
  }
}

}  // namespace

SecureNoise::SecureNoise() : key_(ChaChaKey::fromOs()) {}

SecureNoise::SecureNoise(const ChaChaKey& key) : key_(key) {}

double SecureNoise::grid(double stddev) { return std::ldexp(1.0, std::ilogb(stddev) - 30); }

template <typename T>
void SecureNoise::addSnapped(T* g, int64_t n, double stddev, double scale, uint64_t stream) const {
  const double unit = grid(stddev), perUnit = 1 / unit, noiseUnits = stddev * perUnit;  // powers of two: exact
  const int64_t chunks = (n + kSubstream - 1) / kSubstream;
  at::parallel_for(0, chunks, 1, [&](int64_t begin, int64_t end) {
    double z[kDrawBlock];
    for (int64_t c = begin; c < end; ++c) {
      ChaCha20Words words(key_, stream, uint32_t(c)), spare(key_, stream, kSpare | uint32_t(c));
      const int64_t first = c * kSubstream, last = std::min(n, first + kSubstream);
      for (int64_t start = first; start < last; start += kDrawBlock) {
        const int64_t count = std::min(kDrawBlock, last - start);
        standardNormals(z, count, words, spare);
        snapBlock(g + start, z, count, perUnit, noiseUnits, unit * scale);
      }
    }
  });
}

void SecureNoise::addTo(torch::Tensor& grad, double stddev, double scale) {
  if (!(stddev > 0)) {  // no noise (σ = 0): nothing to snap against
    grad.mul_(scale);
    return;
  }
  const uint64_t stream = streams_++;
  if (grad.device().is_cpu() && grad.is_contiguous() && grad.scalar_type() == torch::kFloat)
    return addSnapped(grad.data_ptr<float>(), grad.numel(), stddev, scale, stream);
  auto cpu = grad.to(torch::kCPU, torch::kDouble).contiguous();
  addSnapped(cpu.data_ptr<double>(), cpu.numel(), stddev, scale, stream);
  grad.copy_(cpu);
}

torch::Tensor SecureNoise::uniforms(int64_t n) {
  const uint64_t stream = streams_++;
  auto u = torch::empty({n}, torch::kDouble);
  double* out = u.data_ptr<double>();
  at::parallel_for(0, (n + kSubstream - 1) / kSubstream, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      ChaCha20Words words(key_, stream, uint32_t(c));
      uint64_t bits[kDrawBlock];
      const int64_t first = c * kSubstream, last = std::min(n, first + kSubstream);
      for (int64_t start = first; start < last; start += kDrawBlock) {
        const int64_t count = std::min(kDrawBlock, last - start);
        words.fill(bits, count);
        for (int64_t j = 0; j < count; ++j) out[start + j] = double(bits[j] >> 11) * 0x1.0p-53;
      }
    }
  });
  return u;
}

double SecureNoise::normal() {
  const uint64_t stream = streams_++;
  ChaCha20Words words(key_, stream, 0), spare(key_, stream, kSpare);
  double z;
  standardNormals(&z, 1, words, spare);
  return z;
}

double noiseMultiplierBeforeSnapping(double sigma, int64_t coordinates) {
  const double widening = sigma * std::sqrt(double(coordinates)) * 0x1.0p-30;
  if (!(widening < 0.5))
    throw InputError("privacy.noise_multiplier", "σ·√(parameters) is too large for secure mode's snapping grid");
  return sigma / (1 - widening);
}

}  // namespace trustlab
