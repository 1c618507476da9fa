#include "attacks/gradient_canaries.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

#include "util/errors.h"

namespace trustlab {

GradientCanaries::GradientCanaries(const std::vector<torch::Tensor>& params, const GradientCanaryOptions& options)
    : generator_(at::make_generator<at::CPUGeneratorImpl>(options.seed ^ 0xca7a21e5ULL)), magnitude_(options.magnitude) {
  std::vector<int64_t> sizes;
  int64_t total = 0;
  for (const auto& p : params) total += p.numel(), sizes.push_back(p.numel());
  const long m = std::min<long>(options.count, long(total));
  if (m < 2) throw InputError("audit.canaries", "the white-box audit needs at least 2 canaries (and trainable coordinates)");
  // Distinct coordinates, uniform over all trainable ones, then grouped by parameter.
  const auto coordinates = std::get<0>(torch::randperm(total, generator_, torch::kLong).narrow(0, 0, m).sort());
  const auto memberCoin = torch::rand({m}, generator_, torch::kDouble) < 0.5;
  memberMask_ = memberCoin.to(torch::kDouble);
  const auto coin = memberCoin.accessor<bool, 1>();
  for (long k = 0; k < m; ++k) member_.push_back(coin[k]);
  llr_ = torch::zeros({m}, torch::kDouble);
  const auto c = coordinates.accessor<int64_t, 1>();
  int64_t start = 0;
  long k = 0;
  for (size_t p = 0; p < params.size(); ++p) {
    const long first = k;
    while (k < m && c[k] < start + sizes[p]) ++k;
    if (k > first)
      slots_.push_back({p, (coordinates.narrow(0, first, k - first) - start).to(params[p].device()),
                        torch::arange(first, k, torch::kLong), {}});
    start += sizes[p];
  }
}

void GradientCanaries::beforeNoise(std::vector<torch::Tensor>& sums, double clipNorm, double noiseStd,
                                   double sampleRate) {
  q_ = sampleRate;
  clipNorm_ = clipNorm;
  sigma_ = noiseStd / clipNorm;  // in units of C
  // Each member joins this step's batch with probability q, as its example would (Poisson).
  const auto present = memberMask_ * (torch::rand({count()}, generator_, torch::kDouble) < q_).to(torch::kDouble);
  for (auto& s : slots_) {
    auto flat = sums[s.param].view({-1});
    s.clean = flat.index_select(0, s.offsets).to(torch::kCPU, torch::kDouble);
    const auto add = present.index_select(0, s.canary) * (magnitude_ * clipNorm);
    flat.index_add_(0, s.offsets, add.to(flat.device(), flat.scalar_type()));
  }
}

void GradientCanaries::afterNoise(const std::vector<torch::Tensor>& noised, double expectedBatch) {
  // log LR of x under q·N(1, σ²) + (1 − q)·N(0, σ²) against N(0, σ²): log(1 − q + q·e^{(x − ½)/σ²}).
  const double logQ = std::log(q_), logRest = q_ < 1 ? std::log1p(-q_) : -INFINITY;
  for (const auto& s : slots_) {
    const auto now = noised[s.param].view({-1}).index_select(0, s.offsets).to(torch::kCPU, torch::kDouble);
    const auto x = (now * expectedBatch - s.clean) / clipNorm_;
    const auto llr = torch::logaddexp(torch::full_like(x, logRest), logQ + (x - 0.5) / (sigma_ * sigma_));
    llr_.index_add_(0, s.canary, llr);
  }
  ++steps_;
}

std::vector<double> GradientCanaries::scores() const {
  const auto a = llr_.accessor<double, 1>();
  return std::vector<double>(a.data(), a.data() + a.size(0));
}

}  // namespace trustlab
