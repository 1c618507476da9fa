#include "privacy/grad_rules/grad_rule.h"

namespace trustlab {

torch::Tensor asSequence(const torch::Tensor& t, int64_t batch) {
  return t.dim() == 2 && t.size(0) == batch ? t.unsqueeze(1) : t.reshape({batch, -1, t.size(-1)});
}

Registry<GradRule>& gradRuleRegistry() {
  static Registry<GradRule> r("gradient rule", "", [](auto& reg) {
    reg.add({"linear", "y = W a + b: closed form, ghost norm or per-example gradient, by cost"}, linearRule());
    reg.add({"embedding", "rows of equal token ids add up; never a B×V×D tensor"}, embeddingRule());
    reg.add({"layer_norm", "the affine part of LayerNorm from the normalised input"}, layerNormRule());
  });
  return r;
}

}  // namespace trustlab
