// LayerNorm's affine part: y_t = γ ⊙ x̂_t + β, so ∂loss_i/∂γ = Σ_t g_t ⊙ x̂_t and ∂loss_i/∂β = Σ_t g_t
// (the tape records the normalised input x̂). Either may be frozen (undefined in the trace).
#include <torch/torch.h>

#include "privacy/grad_rules/grad_rule.h"

namespace trustlab {

GradRule layerNormRule() {
  GradRule r;
  r.sequence = asSequence;
  r.addSquaredNorms = [](LayerTrace& t, torch::Tensor& sq) {
    if (t.weight.defined()) sq += (t.g * t.a).sum(1).pow(2).sum(1);
    if (t.bias.defined()) sq += t.g.sum(1).pow(2).sum(1);
  };
  r.writeGradients = [](const LayerTrace& t, const torch::Tensor& factors) {
    const auto cg = t.g * factors;
    if (t.weight.defined()) t.weight.mutable_grad() = (cg * t.a).sum(std::vector<int64_t>{0, 1});
    if (t.bias.defined()) t.bias.mutable_grad() = cg.sum(std::vector<int64_t>{0, 1});
  };
  return r;
}

}  // namespace trustlab
