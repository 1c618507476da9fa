#include "attacks/membership_scores.h"

#include <torch/torch.h>

#include <limits>

namespace trustlab {

ExampleScores scoreExamples(TextClassifierImpl& model, const EncodedSplit& split, const torch::Device& device,
                            long batchSize) {
  torch::NoGradGuard noGrad;
  model.eval();
  ExampleScores out;
  for (const auto& idx : epochBatches(split.size(), batchSize, false, 0)) {
    const auto b = makeBatch(split, idx, device);
    const auto logits = model.forward(b.ids, b.lengths).to(torch::kDouble);
    const auto target = b.labels.unsqueeze(1);
    const auto correct = logits.gather(1, target).squeeze(1);
    const auto loss = logits.logsumexp(1) - correct;
    // φ = z_y − logsumexp over the other classes: stable even when p_y rounds to 1.
    const auto others = logits.scatter(1, target, -std::numeric_limits<double>::infinity()).logsumexp(1);
    const auto phi = (correct - others).cpu();
    const auto l = loss.cpu();
    out.loss.insert(out.loss.end(), l.data_ptr<double>(), l.data_ptr<double>() + l.numel());
    out.confidence.insert(out.confidence.end(), phi.data_ptr<double>(), phi.data_ptr<double>() + phi.numel());
  }
  return out;
}

}  // namespace trustlab
