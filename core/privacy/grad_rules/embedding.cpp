// Embedding: output t is row id_t of the table, so ∂loss_i/∂E = Σ_t e_{id_t} g_tᵀ: rows of equal
// ids add up.
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "privacy/grad_rules/grad_rule.h"
#include "util/simd_clones.h"

namespace trustlab {
namespace {

// ‖∂loss_i/∂E‖² = Σ_v ‖Σ_{t: id_t = v} g_t‖²: the g of each example's equal ids summed, then squared,
// O(B·T·D). (The ghost norm Σ_{t,s} [id_t = id_s] g_t·g_s is a B·T²·D product: most of a bag
// model's private step.)

/// Whether the CPU loops below apply: g and the table on the CPU, both float or both double.
bool cpuLoopsApply(const LayerTrace& t) {
  const auto type = t.g.scalar_type();
  return t.g.device().is_cpu() && t.weight.scalar_type() == type && (type == torch::kFloat || type == torch::kDouble);
}

/// Σ_j x_j² in double, in 8 independent partial sums: a single running sum is a chain of dependent
/// additions that the compiler may not reorder (nor vectorise) without -ffast-math. Built for the
/// machine's vector width (8 partial sums are one AVX-512 register).
template <typename Real>
TRUSTLAB_SIMD_CLONES double squaredNorm(const Real* x, int64_t n) {
  constexpr int64_t kLanes = 8;
  double lanes[kLanes] = {};
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) lanes[l] += double(x[j + l]) * double(x[j + l]);
  double total = 0;
  for (; j < n; ++j) total += double(x[j]) * double(x[j]);
  for (double lane : lanes) total += lane;
  return total;
}

/// On the CPU: each example's positions ordered by id; a lone id's g squared as it is, a run of
/// equal ids summed in one row first.
template <typename Real>
torch::Tensor squaredNormsOnCpu(const torch::Tensor& ids, const torch::Tensor& g) {
  const int64_t B = g.size(0), T = g.size(1), D = g.size(2);
  const auto idsC = ids.to(torch::kLong).contiguous();
  const auto gC = g.contiguous();
  auto out = torch::empty({B}, torch::kDouble);
  const int64_t* idData = idsC.data_ptr<int64_t>();
  const Real* gData = gC.data_ptr<Real>();
  double* outData = out.data_ptr<double>();
  at::parallel_for(0, B, 1, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> byId(size_t(T), 0);
    std::vector<double> run(size_t(D), 0.0);
    for (int64_t b = begin; b < end; ++b) {
      const int64_t* id = idData + b * T;
      const auto row = [&](int64_t k) { return gData + (b * T + byId[size_t(k)]) * D; };
      std::iota(byId.begin(), byId.end(), 0);
      std::sort(byId.begin(), byId.end(), [id](int64_t x, int64_t y) { return id[x] < id[y]; });
      double total = 0;
      for (int64_t k = 0, next; k < T; k = next) {
        for (next = k + 1; next < T && id[byId[size_t(next)]] == id[byId[size_t(k)]];) ++next;
        if (next == k + 1) {
          total += squaredNorm(row(k), D);
          continue;
        }
        std::copy(row(k), row(k) + D, run.begin());
        for (int64_t r = k + 1; r < next; ++r)
          for (int64_t j = 0; j < D; ++j) run[size_t(j)] += double(row(r)[j]);
        total += squaredNorm(run.data(), D);
      }
      outData[b] = total;
    }
  });
  return out;
}

/// Elsewhere (CUDA): the same sums by scatter, each g added into the slot of its id's rank among
/// the example's distinct ids.
torch::Tensor squaredNormsByScatter(const torch::Tensor& ids, const torch::Tensor& g) {
  if (ids.size(1) == 0) return torch::zeros({g.size(0)}, g.options());
  const auto [sorted, order] = ids.sort(1);
  const auto newId = torch::cat({torch::ones_like(sorted.narrow(1, 0, 1), torch::kBool), sorted.diff(1) != 0}, 1);
  const auto rank = newId.cumsum(1) - 1;
  const auto slot = torch::empty_like(rank).scatter_(1, order, rank);
  const auto summed = torch::zeros_like(g).scatter_add_(1, slot.unsqueeze(2).expand_as(g), g);
  return summed.pow(2).sum(std::vector<int64_t>{1, 2});
}

/// target += scale·row over n entries, built for the machine's vector width.
template <typename Real>
TRUSTLAB_SIMD_CLONES void addScaledRow(Real* __restrict target, const Real* __restrict row, Real scale, int64_t n) {
  for (int64_t j = 0; j < n; ++j) target[j] += scale * row[j];
}

/// On the CPU: E.grad[v] = Σ_{b,t: id_bt = v} c_b g_bt with the table's rows split among the threads
/// by id, each zeroing and filling its own rows in batch order (the same sums for any thread count,
/// no c·g copy, and a parallel fill where index_add_ is serial).
template <typename Real>
torch::Tensor clippedSumOnCpu(const torch::Tensor& ids, const torch::Tensor& g, const torch::Tensor& factors,
                              const torch::Tensor& weight) {
  const int64_t B = g.size(0), T = g.size(1), D = g.size(2), V = weight.size(0);
  const auto idsC = ids.to(torch::kLong).contiguous();
  const auto gC = g.contiguous();
  const auto c = factors.reshape({B}).to(g.scalar_type()).contiguous();
  auto out = torch::empty({V, D}, weight.options());
  const int64_t* idData = idsC.data_ptr<int64_t>();
  const Real *gData = gC.data_ptr<Real>(), *cData = c.data_ptr<Real>();
  Real* outData = out.data_ptr<Real>();
  at::parallel_for(0, V, 256, [&](int64_t first, int64_t last) {
    std::fill(outData + first * D, outData + last * D, Real(0));
    for (int64_t k = 0; k < B * T; ++k) {
      const int64_t v = idData[k];
      if (v < first || v >= last) continue;
      addScaledRow(outData + v * D, gData + k * D, cData[k / T], D);
    }
  });
  return out;
}

}  // namespace

GradRule embeddingRule() {
  GradRule r;
  r.sequence = [](const torch::Tensor& ids, int64_t batch) { return ids.reshape({batch, -1}); };
  r.addSquaredNorms = [](LayerTrace& t, torch::Tensor& sq) {
    if (!cpuLoopsApply(t)) return void(sq += squaredNormsByScatter(t.a, t.g));
    sq += t.g.scalar_type() == torch::kFloat ? squaredNormsOnCpu<float>(t.a, t.g) : squaredNormsOnCpu<double>(t.a, t.g);
  };
  r.writeGradients = [](const LayerTrace& t, const torch::Tensor& factors) {
    if (cpuLoopsApply(t)) {
      t.weight.mutable_grad() = t.g.scalar_type() == torch::kFloat ? clippedSumOnCpu<float>(t.a, t.g, factors, t.weight)
                                                                   : clippedSumOnCpu<double>(t.a, t.g, factors, t.weight);
      return;
    }
    const auto cg = t.g * factors;
    t.weight.mutable_grad() =
        torch::zeros_like(t.weight).index_add_(0, t.a.reshape({-1}), cg.reshape({-1, cg.size(2)}));
  };
  return r;
}

// Lookups give A_i = Σ_s e_{id_s} u_sᵀ, the head B_i = Σ_t g_t h_tᵀ (g_t over the V outputs), so
// ⟨A_i, B_i⟩ = Σ_{t,s} g_t[id_s] (h_t·u_s): a [B, T, S] product, never a [B, V, D] one.
void addTiedEmbeddingCrossTerm(const LayerTrace& lookups, const LayerTrace& head, torch::Tensor& sq) {
  const auto& ids = lookups.a;  // [B, S]
  const int64_t B = ids.size(0), S = ids.size(1), T = head.g.size(1);
  const auto picked = head.g.gather(2, ids.unsqueeze(1).expand({B, T, S}));
  sq += 2 * (picked * torch::bmm(head.a, lookups.g.transpose(1, 2))).sum(std::vector<int64_t>{1, 2});
}

}  // namespace trustlab
