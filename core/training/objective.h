// core/training: what a model is trained to do, apart from how it is trained. An objective owns
// the model and says, for a batch, each example's loss (what per-example clipping differentiates
// and plain SGD averages) and, for a held-out split, its metrics. The trainers that take one (the
// federated trainer's clients, the eDP-SGD step) then train any model on any loss: a classifier on
// cross-entropy, a causal language model on next-word prediction (training/next_word_objective.h).
#pragma once
#include <torch/nn/module.h>
#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/registry.h"
#include "data/batching.h"
#include "models/model_config.h"
#include "models/text_classifier.h"
#include "privacy/per_example_clipping.h"

namespace trustlab {

/// Held-out metrics in a fixed order, keyed without the split ("loss", "accuracy", …).
using EvalMetrics = std::vector<std::pair<std::string, double>>;

class Objective {
 public:
  virtual ~Objective() = default;
  virtual torch::nn::Module& module() = 0;
  /// Each example's loss on `batch` (the function keeps a reference to it).
  virtual ExampleLossFn losses(const Batch& batch) = 0;
  /// The token embedding table when it is only looked up, so that plain SGD moves only the rows
  /// of the batch's tokens (a federated client's update is then sparse); undefined when every row
  /// may move (e.g. a tied LM head).
  virtual torch::Tensor tokenEmbeddingTable() = 0;
  /// The model's metrics on `split` (eval mode, no gradients; the mode is restored after).
  virtual EvalMetrics evaluate(const EncodedSplit& split, long batchSize, const torch::Device& device) = 0;
  /// The classifier it trains, or nullptr when it trains something else.
  virtual TextClassifierPtr classifier() const { return nullptr; }
  /// The mean of the batch's losses (a plain SGD step's loss); by default from losses().
  virtual torch::Tensor meanLoss(const Batch& batch);
};
using ObjectivePtr = std::shared_ptr<Objective>;

/// Cross-entropy of a classifier: loss, accuracy and macro-F1 held out.
ObjectivePtr classifierObjective(TextClassifierPtr model);

struct ObjectiveEntry {
  /// A fresh model for it (the caller seeds): model section, vocabulary size, classes, longest sequence.
  std::function<ObjectivePtr(const ModelConfig&, int64_t vocab, int64_t classes, int64_t maxLength)> make;
  /// Checks of the model section it needs (e.g. a model that can predict words); empty: any.
  std::function<std::vector<SpecIssue>(const ModelConfig&)> check;
  /// The held-out metric a reader compares runs by, and whether more of it is better.
  std::string headlineMetric;
  bool higherIsBetter = true;
  bool headlineLogScale = false;  ///< plotted on a log axis (perplexity spans orders of magnitude)
  /// The fewest distinct labels its training split must hold (a classifier of one class learns
  /// nothing; a language model ignores labels).
  size_t minTrainClasses = 0;
};

/// classify (the default), next_word (a causal LM on the texts, labels unused) and any added by
/// plugins (the spec field training.objective chooses).
Registry<ObjectiveEntry>& objectiveRegistry();

}  // namespace trustlab
