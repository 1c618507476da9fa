// Embedding: output t is row id_t of the table, so ∂loss_i/∂E = Σ_t e_{id_t} g_tᵀ: rows of equal
// ids add up.
#include <torch/torch.h>

#include "privacy/grad_rules/grad_rule.h"

namespace trustlab {

GradRule embeddingRule() {
  GradRule r;
  r.sequence = [](const torch::Tensor& ids, int64_t batch) { return ids.reshape({batch, -1}); };
  // ‖·‖² = Σ_{t,s} [id_t = id_s] (g_t·g_s), per example, without a B×V×D tensor.
  r.addSquaredNorms = [](LayerTrace& t, torch::Tensor& sq) {
    const auto same = (t.a.unsqueeze(2) == t.a.unsqueeze(1)).to(t.g.scalar_type());
    sq += (same * torch::bmm(t.g, t.g.transpose(1, 2))).sum(std::vector<int64_t>{1, 2});
  };
  r.writeGradients = [](const LayerTrace& t, const torch::Tensor& factors) {
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
