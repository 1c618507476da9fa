// core/training: classification metrics and whole-split evaluation.
#pragma once
#include <torch/types.h>

#include <vector>

#include "data/batching.h"
#include "models/text_classifier.h"

namespace trustlab {

struct EvalResult {
  double loss = 0, accuracy = 0, macroF1 = 0;
  long examples = 0;
};

/// Macro-averaged F1 over the classes present in gold or predictions (as scikit-learn does).
double macroF1(const std::vector<int64_t>& gold, const std::vector<int64_t>& predicted);

/// Mean cross-entropy, accuracy and macro-F1 of `model` (switched to eval mode) on `split`.
EvalResult evaluate(TextClassifierImpl& model, const EncodedSplit& split, long batchSize,
                    const torch::Device& device);

/// Class probabilities [N, C] (CPU, float64) of every row of `split`, in order (eval mode).
torch::Tensor predictProbabilities(TextClassifierImpl& model, const EncodedSplit& split, long batchSize,
                                   const torch::Device& device);

}  // namespace trustlab
