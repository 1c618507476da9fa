#include "training/metrics.h"

#include <torch/torch.h>

#include <map>

namespace trustlab {

double macroF1(const std::vector<int64_t>& gold, const std::vector<int64_t>& predicted) {
  struct Counts { long tp = 0, fp = 0, fn = 0; };
  std::map<int64_t, Counts> c;
  for (size_t i = 0; i < gold.size(); ++i) {
    if (gold[i] == predicted[i]) {
      ++c[gold[i]].tp;
    } else {
      ++c[gold[i]].fn;
      ++c[predicted[i]].fp;
    }
  }
  if (c.empty()) return 0;
  double sum = 0;
  for (const auto& [label, k] : c) {
    const double denom = 2.0 * k.tp + k.fp + k.fn;
    sum += denom > 0 ? 2.0 * k.tp / denom : 0.0;
  }
  return sum / double(c.size());
}

EvalResult evaluate(TextClassifierImpl& model, const EncodedSplit& split, long batchSize,
                    const torch::Device& device) {
  EvalResult r;
  if (split.size() == 0) return r;
  const bool wasTraining = model.is_training();
  model.eval();
  torch::NoGradGuard noGrad;
  std::vector<int64_t> gold, predicted;
  double lossSum = 0;
  for (const auto& idx : epochBatches(split.size(), batchSize, false, 0)) {
    const auto b = makeBatch(split, idx, device);
    const auto logits = model.forward(b.ids, b.lengths);
    lossSum += torch::nn::functional::cross_entropy(
                   logits, b.labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                   .item<double>();
    const auto pred = logits.argmax(1).cpu();
    const auto lab = b.labels.cpu();
    gold.insert(gold.end(), lab.data_ptr<int64_t>(), lab.data_ptr<int64_t>() + lab.numel());
    predicted.insert(predicted.end(), pred.data_ptr<int64_t>(), pred.data_ptr<int64_t>() + pred.numel());
  }
  long correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) correct += gold[i] == predicted[i];
  r.examples = long(gold.size());
  r.loss = lossSum / double(r.examples);
  r.accuracy = double(correct) / double(r.examples);
  r.macroF1 = macroF1(gold, predicted);
  if (wasTraining) model.train();
  return r;
}

torch::Tensor predictProbabilities(TextClassifierImpl& model, const EncodedSplit& split, long batchSize,
                                   const torch::Device& device) {
  const bool wasTraining = model.is_training();
  model.eval();
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> parts;
  for (const auto& idx : epochBatches(split.size(), batchSize, false, 0)) {
    const auto b = makeBatch(split, idx, device);
    parts.push_back(torch::softmax(model.forward(b.ids, b.lengths).to(torch::kDouble), 1).cpu());
  }
  model.train(wasTraining);
  return parts.empty() ? torch::zeros({0, 0}, torch::kDouble) : torch::cat(parts);
}

}  // namespace trustlab
