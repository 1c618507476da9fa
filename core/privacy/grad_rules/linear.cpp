// Linear: y_t = W a_t + b, so ∂loss_i/∂W = Σ_t g_t a_tᵀ and ∂loss_i/∂b = Σ_t g_t. Either may be
// frozen (undefined in the trace: BitFit trains biases only).
#include <torch/torch.h>

#include "privacy/grad_rules/grad_rule.h"

namespace trustlab {

namespace {

/// ‖Σ_t g_t a_tᵀ‖² per example, whichever way is cheaper.
torch::Tensor weightSquaredNorms(const torch::Tensor& a, const torch::Tensor& g) {
  const int64_t T = a.size(1), din = a.size(2), dout = g.size(2);
  if (T == 1) return a.squeeze(1).pow(2).sum(1) * g.squeeze(1).pow(2).sum(1);
  // Ghost norm (Li et al. 2022): ‖Σ_t g_t a_tᵀ‖² = Σ_{t,s} (a_t·a_s)(g_t·g_s).
  if (T * T <= din * dout)
    return (torch::bmm(a, a.transpose(1, 2)) * torch::bmm(g, g.transpose(1, 2))).sum(std::vector<int64_t>{1, 2});
  return torch::bmm(g.transpose(1, 2), a).pow(2).sum(std::vector<int64_t>{1, 2});
}

}  // namespace

GradRule linearRule() {
  GradRule r;
  r.sequence = asSequence;
  r.addSquaredNorms = [](const LayerTrace& t, torch::Tensor& sq) {
    if (t.weight.defined()) sq += weightSquaredNorms(t.a, t.g);
    if (t.bias.defined()) sq += t.g.sum(1).pow(2).sum(1);
  };
  r.writeGradients = [](const LayerTrace& t, const torch::Tensor& cg) {
    const int64_t d = cg.size(2);
    if (t.weight.defined()) t.weight.mutable_grad() = torch::matmul(cg.reshape({-1, d}).t(), t.a.reshape({-1, t.a.size(2)}));
    if (t.bias.defined()) t.bias.mutable_grad() = cg.sum(std::vector<int64_t>{0, 1});
  };
  return r;
}

}  // namespace trustlab
