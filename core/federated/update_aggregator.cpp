#include "federated/update_aggregator.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "util/simd_clones.h"

namespace trustlab {
namespace {

/// s += scale·(x − g) in float64 and x = g over n entries: the update loop's body, built for the
/// machine's vector width (a round's clients take ~10⁶ entries; the baseline build does 2 doubles
/// an instruction).
TRUSTLAB_SIMD_CLONES
void takeEntries(double* __restrict s, float* __restrict x, const float* __restrict g, int64_t n, double scale) {
  for (int64_t j = 0; j < n; ++j) {
    s[j] += scale * (double(x[j]) - double(g[j]));
    x[j] = g[j];
  }
}

/// sum += scale·(x − g) in float64 and x = g again: one client's update taken and the worker model
/// reset for the next client. With `rows` only those rows of a table change (the token embeddings
/// a client's texts use: plain local SGD leaves the others exactly at g), so only they are touched;
/// a round of small clients would otherwise spend most of its time on the dense table.
void accumulateAndReset(torch::Tensor& sum, torch::Tensor& x, const torch::Tensor& g, double scale,
                        const std::vector<int64_t>* rows = nullptr) {
  torch::NoGradGuard noGrad;
  const bool small = x.numel() <= (1 << 16);
  if ((rows || small) && x.is_cpu() && x.scalar_type() == torch::kFloat && x.is_contiguous() && g.is_contiguous() &&
      sum.is_contiguous()) {
    // Scattered rows or a small tensor: a plain loop beats a chain of dispatched tensor ops
    // (index_add_/index_copy_ even dispatch per row). A small tensor is one row.
    const int64_t width = rows ? x.numel() / x.size(0) : x.numel();
    double* __restrict s = sum.data_ptr<double>();
    float* __restrict xp = x.data_ptr<float>();
    const float* __restrict gp = g.data_ptr<float>();
    const auto take = [&](int64_t r) { takeEntries(s + r * width, xp + r * width, gp + r * width, width, scale); };
    if (!rows) return take(0);
    // Each thread takes the (sorted) rows in its share of the table, the share LibTorch's own
    // element-wise kernels give it: the rows stay in the cache of the core that last wrote them,
    // instead of moving to one core between every client's steps.
    at::parallel_for(0, x.size(0), 1, [&](int64_t first, int64_t last) {
      for (auto r = std::lower_bound(rows->begin(), rows->end(), first); r != rows->end() && *r < last; ++r) take(*r);
    });
    return;
  }
  if (rows) {
    const auto r = torch::tensor(*rows, torch::kLong).to(x.device());
    const auto kept = g.index_select(0, r);
    sum.index_add_(0, r, (x.index_select(0, r) - kept).to(torch::kDouble).mul_(scale));
    x.index_copy_(0, r, kept);
    return;
  }
  sum.add_((x - g).to(torch::kDouble), scale);
  x.copy_(g);
}

}  // namespace

std::vector<int64_t> tokensOf(const torch::Tensor& ids, const std::vector<long>& examples) {
  if (ids.is_cpu() && ids.is_contiguous()) {
    // A few hundred ids: one pass setting a bit per id, then the set bits in order (sorted rows
    // let the update's row loop stream through memory).
    const int64_t* p = ids.data_ptr<int64_t>();
    const int64_t width = ids.size(1);
    std::vector<uint64_t> bits;
    for (long e : examples)
      for (const int64_t *t = p + e * width, *end = t + width; t != end; ++t) {
        const auto word = size_t(*t) >> 6;
        if (word >= bits.size()) bits.resize(word + 1);
        bits[word] |= uint64_t(1) << (*t & 63);
      }
    std::vector<int64_t> out;
    for (size_t w = 0; w < bits.size(); ++w)
      for (uint64_t b = bits[w]; b; b &= b - 1) out.push_back(int64_t(w << 6) + __builtin_ctzll(b));
    return out;
  }
  const auto u = std::get<0>(torch::_unique(ids.index_select(0, torch::tensor(examples, torch::kLong).to(ids.device())).flatten())).cpu();
  return {u.data_ptr<int64_t>(), u.data_ptr<int64_t>() + u.numel()};
}

UpdateAggregator::UpdateAggregator(std::vector<torch::Tensor> params, const std::vector<torch::Tensor>& global,
                                   torch::Tensor table, bool secure)
    : params_(std::move(params)), global_(global), table_(std::move(table)), secureAggregation_(secure) {}

void UpdateAggregator::begin(long round, const std::vector<size_t>& joined, uint64_t seed) {
  // Allocated once: a fresh multi-megabyte buffer each round costs page faults a small round notices.
  if (sum_.empty())
    for (const auto& g : global_) sum_.push_back(torch::zeros_like(g, torch::kDouble));
  else
    for (auto& d : sum_) d.zero_();
  secure_.reset();
  if (secureAggregation_) secure_ = std::make_unique<SecureAggregator>(joined, global_, seed ^ (uint64_t(round) << 32));
}

double UpdateAggregator::updateNorm() const {
  torch::NoGradGuard noGrad;
  double sq = 0;
  for (size_t i = 0; i < params_.size(); ++i) sq += std::pow(torch::dist(params_[i], global_[i]).item<double>(), 2);
  return std::sqrt(sq);
}

void UpdateAggregator::add(size_t client, double coefficient, const std::vector<int64_t>* tokens) {
  torch::NoGradGuard noGrad;
  if (secure_) {
    // The upload: the same contribution, masked; the server only ever sees the sum.
    std::vector<torch::Tensor> contribution;
    for (size_t i = 0; i < params_.size(); ++i) contribution.push_back((params_[i] - global_[i]) * coefficient);
    secure_->add(client, contribution);
    for (size_t i = 0; i < params_.size(); ++i) params_[i].copy_(global_[i]);
    return;
  }
  for (size_t i = 0; i < params_.size(); ++i)
    accumulateAndReset(sum_[i], params_[i], global_[i], coefficient,
                       tokens && params_[i].is_same(table_) ? tokens : nullptr);
}

void UpdateAggregator::finish(long round, size_t reported, const std::vector<size_t>& late,
                              const std::function<void(const std::string&, long, double)>& emit) {
  if (!secure_) return;
  const auto total = secure_->sum(late);
  for (size_t i = 0; i < sum_.size(); ++i) sum_[i].copy_(total[i]);
  const double overhead = secure_->overheadBytes(late.size());
  emit("fl/secagg_overhead_bytes", round, overhead);
  if (const double plain = double(reported) * double(secure_->elementCount()) * 4; plain > 0)
    emit("fl/secagg_overhead_ratio", round, overhead / plain);
}

}  // namespace trustlab
