// LayerNorm's affine part: y_t = γ ⊙ x̂_t + β, so ∂loss_i/∂γ = Σ_t g_t ⊙ x̂_t and ∂loss_i/∂β = Σ_t g_t
// (the tape records the normalised input x̂).
#include <torch/torch.h>

#include "privacy/grad_rules/grad_rule.h"

namespace trustlab {

GradRule layerNormRule() {
  GradRule r;
  r.sequence = asSequence;
  r.addSquaredNorms = [](const LayerTrace& t, torch::Tensor& sq) {
    sq += (t.g * t.a).sum(1).pow(2).sum(1) + t.g.sum(1).pow(2).sum(1);
  };
  r.writeGradients = [](const LayerTrace& t, const torch::Tensor& cg) {
    t.weight.mutable_grad() = (cg * t.a).sum(std::vector<int64_t>{0, 1});
    t.bias.mutable_grad() = cg.sum(std::vector<int64_t>{0, 1});
  };
  return r;
}

}  // namespace trustlab
