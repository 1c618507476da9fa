// Embedding: output t is row id_t of the table, so ∂loss_i/∂E = Σ_t e_{id_t} g_tᵀ: rows of equal
// ids add up.
#include <torch/torch.h>

#include "privacy/grad_rules/grad_rule.h"

namespace trustlab {

GradRule embeddingRule() {
  GradRule r;
  r.sequence = [](const torch::Tensor& ids, int64_t batch) { return ids.reshape({batch, -1}); };
  // ‖·‖² = Σ_{t,s} [id_t = id_s] (g_t·g_s), per example, without a B×V×D tensor.
  r.addSquaredNorms = [](const LayerTrace& t, torch::Tensor& sq) {
    const auto same = (t.a.unsqueeze(2) == t.a.unsqueeze(1)).to(t.g.scalar_type());
    sq += (same * torch::bmm(t.g, t.g.transpose(1, 2))).sum(std::vector<int64_t>{1, 2});
  };
  r.writeGradients = [](const LayerTrace& t, const torch::Tensor& cg) {
    t.weight.mutable_grad() =
        torch::zeros_like(t.weight).index_add_(0, t.a.reshape({-1}), cg.reshape({-1, cg.size(2)}));
  };
  return r;
}

}  // namespace trustlab
