#include "federated/secure_aggregation.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace trustlab {
namespace {

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr double kKeyBytes = 32, kShareBytes = 32;  // X25519 public key; one Shamir share

}  // namespace

SecureAggregator::SecureAggregator(const std::vector<size_t>& participants, const std::vector<torch::Tensor>& like,
                                   uint64_t roundSeed, int fractionalBits)
    : participants_(participants), seed_(roundSeed), scale_(std::ldexp(1.0, fractionalBits)) {
  for (const auto& t : like) {
    sum_.push_back(torch::zeros(t.sizes(), torch::kLong));
    elements_ += t.numel();
  }
}

torch::Tensor SecureAggregator::mask(size_t a, size_t b, int64_t numel, size_t tensor) const {
  // s_ab: the seed both ends derive from their key agreement (here: from the round seed).
  const uint64_t pair = mix(seed_ ^ mix(std::min(a, b) * 0x10001ULL + std::max(a, b)) ^ (uint64_t(tensor) << 48));
  auto gen = at::make_generator<at::CPUGeneratorImpl>(pair);
  // Uniform 64-bit words: two 32-bit halves, so every residue mod 2^64 is equally likely.
  const auto hi = torch::randint(0, int64_t(1) << 32, {numel}, gen, torch::kLong);
  const auto lo = torch::randint(0, int64_t(1) << 32, {numel}, gen, torch::kLong);
  return hi.bitwise_left_shift(32).bitwise_or(lo);
}

std::vector<torch::Tensor> SecureAggregator::masked(size_t client, const std::vector<torch::Tensor>& contribution) const {
  std::vector<torch::Tensor> out;
  for (size_t t = 0; t < contribution.size(); ++t) {
    auto q = torch::round(contribution[t].detach().to(torch::kCPU, torch::kDouble) * scale_).to(torch::kLong).flatten();
    for (size_t other : participants_) {
      if (other == client) continue;
      const auto m = mask(client, other, q.numel(), t);
      q = client < other ? q + m : q - m;  // int64 arithmetic wraps: exact modulo 2^64
    }
    out.push_back(q.view(contribution[t].sizes()));
  }
  return out;
}

void SecureAggregator::add(size_t client, const std::vector<torch::Tensor>& contribution) {
  const auto m = masked(client, contribution);
  for (size_t t = 0; t < m.size(); ++t) sum_[t] += m[t];
}

std::vector<torch::Tensor> SecureAggregator::sum(const std::vector<size_t>& dropped) const {
  std::vector<torch::Tensor> out;
  for (size_t t = 0; t < sum_.size(); ++t) {
    auto s = sum_[t].flatten().clone();
    // A dropped client's pairwise masks stay in the survivors' uploads: remove them.
    for (size_t d : dropped)
      for (size_t survivor : participants_) {
        if (survivor == d || std::find(dropped.begin(), dropped.end(), survivor) != dropped.end()) continue;
        const auto m = mask(survivor, d, s.numel(), t);
        s = survivor < d ? s - m : s + m;
      }
    out.push_back((s.to(torch::kDouble) / scale_).to(torch::kFloat).view(sum_[t].sizes()));
  }
  return out;
}

double SecureAggregator::overheadBytes(size_t dropped) const {
  const double n = double(participants_.size());
  const double keys = n * (n - 1) * kKeyBytes, shares = n * (n - 1) * 2 * kShareBytes;
  const double widerVectors = n * double(elements_) * (8 - 4);  // int64 instead of float32
  const double revealed = double(dropped) * (n - double(dropped)) * kShareBytes;
  return keys + shares + widerVectors + revealed;
}

}  // namespace trustlab
