#include "training/next_word_objective.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "models/causal_lm.h"
#include "util/errors.h"

namespace trustlab {
namespace {

/// Held-out sums over a split's predicted tokens.
struct NextWordTotals {
  double nll = 0, tokens = 0, top1 = 0, topK = 0;
  void add(HfTransformerImpl& model, const Batch& b) {
    const int64_t T = b.ids.size(1);
    if (T < 2) return;  // one-token texts: nothing to predict
    const auto mask = tokenMask(b.lengths, T);
    const auto logits = model.body.lmLogits(model.forward(b.ids, mask)).narrow(1, 0, T - 1);
    const auto targets = b.ids.narrow(1, 1, T - 1);
    const auto predicted = mask.narrow(1, 1, T - 1);
    const auto tokenNll = -torch::log_softmax(logits.to(torch::kFloat), -1).gather(2, targets.unsqueeze(2)).squeeze(2);
    const auto best = std::get<1>(logits.topk(std::min<int64_t>(kNextWordSuggestions, logits.size(-1)), -1));  // [B, T-1, k]
    const auto hit = best == targets.unsqueeze(2);
    nll += tokenNll.masked_select(predicted).sum().item<double>();
    tokens += predicted.sum().item<double>();
    top1 += (hit.select(2, 0) & predicted).sum().item<double>();
    topK += (hit.any(2) & predicted).sum().item<double>();
  }
};

class NextWordObjective : public Objective {
 public:
  explicit NextWordObjective(std::shared_ptr<HfTransformerImpl> model) : model_(std::move(model)) {
    if (!model_->body.config().causal())
      throw InputError("model", "next-word prediction needs a causal (GPT-2-family) model");
  }
  torch::nn::Module& module() override { return *model_; }
  /// None: the LM head is the same table, and its softmax moves every row.
  torch::Tensor tokenEmbeddingTable() override { return {}; }

  ExampleLossFn losses(const Batch& batch) override {
    return [this, &batch](int64_t first, int64_t count) {
      auto ids = batch.ids.narrow(0, first, count);
      const auto lengths = batch.lengths.narrow(0, first, count);
      if (count == 1) ids = ids.narrow(1, 0, lengths[0].item<int64_t>());  // alone, without padding
      const auto t = nextTokenLosses(*model_, ids, lengths);  // a one-token text: loss 0, gradient 0
      return ExampleLosses{t.losses / t.counts.clamp_min(1), 0};
    };
  }

  EvalMetrics evaluate(const EncodedSplit& split, long batchSize, const torch::Device& device) override {
    const bool wasTraining = model_->is_training();
    model_->eval();
    torch::NoGradGuard noGrad;
    NextWordTotals t;
    for (const auto& idx : epochBatches(split.size(), batchSize, false, 0)) t.add(*model_, makeBatch(split, idx, device));
    model_->train(wasTraining);
    const double n = std::max(t.tokens, 1.0), loss = t.nll / n;
    return {{"loss", loss}, {"perplexity", std::exp(loss)}, {"accuracy", t.top1 / n},
            {kTopSuggestionsAccuracy, t.topK / n}};
  }

 private:
  std::shared_ptr<HfTransformerImpl> model_;
};

}  // namespace

ObjectivePtr nextWordObjective(std::shared_ptr<HfTransformerImpl> model) {
  return std::make_shared<NextWordObjective>(std::move(model));
}

}  // namespace trustlab
