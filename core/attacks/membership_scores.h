// core/attacks: what a black-box membership attacker observes for each example: its loss and
// LiRA's logit-scaled confidence φ = log p_y − log Σ_{y'≠y} p_y' (near-Gaussian across models).
#pragma once
#include <torch/types.h>

#include <vector>

#include "data/batching.h"
#include "models/text_classifier.h"

namespace trustlab {

struct ExampleScores {
  std::vector<double> loss, confidence;
};

/// Scores every row of `split` (model in eval mode, no gradients), batches on `device`.
ExampleScores scoreExamples(TextClassifierImpl& model, const EncodedSplit& split, const torch::Device& device,
                            long batchSize = 512);

}  // namespace trustlab
