#include "fairness/prediction_sensitivity.h"

#include <torch/torch.h>

#include <limits>

#include "util/errors.h"

namespace trustlab {
namespace {

/// Mean token vector of each row (the protected-status model's input) for a batch.
torch::Tensor pooled(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  return maskedMean(embedded, tokenMask(lengths, embedded.size(1)));
}

/// The rows of `split` whose label is 0 or 1, their pooled token vectors [n, D] (float32, on
/// `device`) and labels [n].
struct LabelledFeatures {
  torch::Tensor features, labels;
};
LabelledFeatures labelledFeatures(TextClassifierImpl& model, const EncodedSplit& split,
                                  const std::vector<int>& protectedLabel, const torch::Device& device) {
  std::vector<long> rows;
  std::vector<float> target;
  for (size_t i = 0; i < protectedLabel.size(); ++i)
    if (protectedLabel[i] == 0 || protectedLabel[i] == 1) rows.push_back(long(i)), target.push_back(float(protectedLabel[i]));
  if (rows.empty()) return {};
  model.eval();
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> parts;
  for (const auto& b : epochBatches(rows, 512, false, 0)) {
    const auto batch = makeBatch(split, b, device);
    parts.push_back(pooled(model.embedTokens(batch.ids), batch.lengths).to(torch::kFloat));
  }
  return {torch::cat(parts), torch::tensor(target).to(device)};
}

double accuracyOn(const ProtectedStatusModel& g, const LabelledFeatures& d) {
  return ((d.features.matmul(g.weight) + g.bias > 0).to(torch::kFloat) == d.labels).to(torch::kDouble).mean().item<double>();
}

}  // namespace

ProtectedStatusModel trainProtectedStatus(TextClassifierImpl& model, const EncodedSplit& split,
                                          const std::vector<int>& protectedLabel, const torch::Device& device,
                                          int steps) {
  const auto data = labelledFeatures(model, split, protectedLabel, device);
  const long positives = data.labels.defined() ? data.labels.sum().item<long>() : 0;
  if (positives == 0 || positives == data.labels.numel())
    throw InputError("fairness", "the protected-status model needs examples of both groups");
  const auto& features = data.features;
  const auto& y = data.labels;
  // Logistic regression, L2-regularised so that separable data stays finite.
  auto w = torch::zeros({features.size(1)}, features.options()).requires_grad_(true);
  auto b = torch::zeros({1}, features.options()).requires_grad_(true);
  torch::optim::Adam opt({w, b}, torch::optim::AdamOptions(0.05));
  for (int s = 0; s < steps; ++s) {
    opt.zero_grad();
    const auto logit = features.matmul(w) + b;
    const auto loss = torch::binary_cross_entropy_with_logits(logit, y) + 1e-3 * w.pow(2).sum();
    loss.backward();
    opt.step();
  }
  ProtectedStatusModel g;
  g.weight = w.detach();
  g.bias = b.detach();
  g.examples = features.size(0);
  g.accuracy = accuracyOn(g, data);
  return g;
}

double protectedStatusAccuracy(TextClassifierImpl& model, const ProtectedStatusModel& g, const EncodedSplit& split,
                               const std::vector<int>& protectedLabel, const torch::Device& device) {
  const auto data = labelledFeatures(model, split, protectedLabel, device);
  return data.features.defined() ? accuracyOn(g, data) : std::numeric_limits<double>::quiet_NaN();
}

std::vector<double> predictionSensitivity(TextClassifierImpl& model, const ProtectedStatusModel& g,
                                          const EncodedSplit& split, const torch::Device& device, long batchSize) {
  model.eval();
  std::vector<double> out;
  for (const auto& idx : epochBatches(split.size(), batchSize, false, 0)) {
    const auto b = makeBatch(split, idx, device);
    const auto e = model.embedTokens(b.ids).detach().requires_grad_(true);
    const auto p = torch::softmax(model.forwardEmbedded(e, b.lengths), 1);
    // wᵀJ_f: the gradient of the predicted class's probability (rows are independent, so one
    // backward of the sum gives every row's own gradient).
    const auto chosen = p.gather(1, p.argmax(1, true)).sum();
    const auto gradF = torch::autograd::grad({chosen}, {e})[0];
    const auto logit = (pooled(e, b.lengths).to(g.weight.dtype()).matmul(g.weight) + g.bias).sum();
    auto v = torch::autograd::grad({logit}, {e})[0].abs();
    v = v / v.sum({1, 2}, true).clamp_min(1e-30);
    const auto ps = (gradF * v).sum({1, 2}).abs().to(torch::kDouble).cpu();
    out.insert(out.end(), ps.data_ptr<double>(), ps.data_ptr<double>() + ps.numel());
  }
  return out;
}

}  // namespace trustlab
