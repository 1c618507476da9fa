#include "training/objective.h"

#include <torch/torch.h>

#include <algorithm>

#include "models/model_factory.h"
#include "training/metrics.h"
#include "training/next_word_objective.h"

namespace trustlab {
namespace {

class ClassifierObjective : public Objective {
 public:
  explicit ClassifierObjective(TextClassifierPtr model) : model_(std::move(model)) {}
  torch::nn::Module& module() override { return *model_; }
  ExampleLossFn losses(const Batch& batch) override { return classifierLoss(*model_, batch); }
  // Cross-entropy's own mean: no per-example losses to reduce, no accuracy count (losses() makes
  // both, and a small federated client's step pays for them).
  torch::Tensor meanLoss(const Batch& batch) override {
    return torch::nn::functional::cross_entropy(model_->forward(batch.ids, batch.lengths), batch.labels);
  }
  torch::Tensor tokenEmbeddingTable() override { return model_->tokenEmbeddingTable(); }
  EvalMetrics evaluate(const EncodedSplit& split, long batchSize, const torch::Device& device) override {
    const auto r = trustlab::evaluate(*model_, split, batchSize, device);
    return {{"loss", r.loss}, {"accuracy", r.accuracy}, {"macro_f1", r.macroF1}};
  }
  TextClassifierPtr classifier() const override { return model_; }

 private:
  TextClassifierPtr model_;
};

}  // namespace

torch::Tensor Objective::meanLoss(const Batch& batch) { return losses(batch)(0, batch.ids.size(0)).losses.mean(); }

ObjectivePtr classifierObjective(TextClassifierPtr model) { return std::make_shared<ClassifierObjective>(std::move(model)); }

Registry<ObjectiveEntry>& objectiveRegistry() {
  static Registry<ObjectiveEntry> r("objective", "training.objective", [](auto& reg) {
    reg.add({"classify", "a classifier on the labels (cross-entropy)"},
            {[](const ModelConfig& c, int64_t vocab, int64_t classes, int64_t maxLength) {
               return classifierObjective(makeClassifier(c, vocab, classes, maxLength));
             },
             {}, "accuracy", true, false, 2});
    reg.add({"next_word", "a causal language model on the texts (next-word prediction; labels unused)"},
            {[](const ModelConfig& c, int64_t vocab, int64_t, int64_t maxLength) {
               return nextWordObjective(makeLanguageModel(c, vocab, maxLength));
             },
             [](const ModelConfig& c) {
               const auto& types = languageModelTypes();
               return std::find(types.begin(), types.end(), c.type) != types.end()
                          ? std::vector<SpecIssue>{}
                          : std::vector<SpecIssue>{{"model.type", cannotPredictWords(c.type)}};
             },
             "perplexity", false, true});
  });
  return r;
}

}  // namespace trustlab
