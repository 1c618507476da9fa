// core/privacy: eDP-SGD's per-example work without a per-example backward pass. One forward pass
// records every tracked layer's input and output on a GradientTape; one autograd call returns the
// outputs' gradients; from those, each example's gradient norm is computed layer by layer by the
// layer kind's rule (privacy/grad_rules: Linear — the ghost norm, or the per-example gradients
// themselves where they are small beside the recorded activations —, Embedding, LayerNorm), and
// the clipped sum Σ_i c_i·g_i is formed by re-weighting the output gradients or those per-example
// gradients (book-keeping: no second backward pass). Any model built from tracked layers, with any per-example loss, is clipped by the same
// code; the naive reference does it one example at a time.
#pragma once
#include <torch/types.h>

#include <functional>
#include <string>

#include "config/registry.h"
#include "data/batching.h"
#include "models/text_classifier.h"

namespace trustlab {

/// How per-example gradients are scaled before they are summed (privacy.clipping chooses).
struct ClippingMode {
  /// c_i from the norms ‖g_i‖, the bound C and the stability constant γ.
  std::function<torch::Tensor(const torch::Tensor& norms, double clip, double stability)> factors;
  /// Each of the L layers is clipped separately to C/√L (the total stays ≤ C, so the noise is unchanged).
  bool perLayer = false;
};

/// flat (c_i = min(1, C/‖g_i‖)), per_layer, auto (c_i = C/(‖g_i‖ + γ), Bu et al. 2022) and any
/// added by plugins.
Registry<ClippingMode>& clippingModeRegistry();

struct ClippingConfig {
  std::string mode = "flat";  ///< a clippingModeRegistry() name
  double clipNorm = 1.0;      ///< C
  double stability = 0.01;    ///< γ of automatic clipping
};

struct ClippedGradients {
  torch::Tensor perExampleNorms;  ///< [B] ‖g_i‖ before clipping
  torch::Tensor loss;             ///< Σ_i loss_i (detached)
  long examples = 0;
  long correct = 0;               ///< examples whose prediction was right (for the running accuracy)
};

/// A model's losses on `count` examples of the batch from `first` on: one loss per example [count]
/// (with its autograd graph), and how many it predicted right (0 where that means nothing).
struct ExampleLosses {
  torch::Tensor losses;
  long correct = 0;
};
using ExampleLossFn = std::function<ExampleLosses(int64_t first, int64_t count)>;

/// Sets every parameter's .grad to Σ_i c_i·g_i (no noise, no averaging), where g_i is the
/// gradient of example i's loss. Every trainable parameter must belong to a tracked layer (throws
/// otherwise: an untracked parameter would leak unclipped).
ClippedGradients clippedGradientSum(torch::nn::Module& model, int64_t batchSize, const ExampleLossFn& loss,
                                    const ClippingConfig& config);

/// The textbook algorithm, one example at a time (reference for tests and the benchmark).
ClippedGradients naiveClippedGradientSum(torch::nn::Module& model, int64_t batchSize, const ExampleLossFn& loss,
                                         const ClippingConfig& config);

/// A classifier's cross-entropy on `batch` (an example alone is scored without the batch's
/// padding: its gradient must not depend on it).
ExampleLossFn classifierLoss(TextClassifierImpl& model, const Batch& batch);

/// The two above for a classifier's cross-entropy.
ClippedGradients clippedGradientSum(TextClassifierImpl& model, const Batch& batch, const ClippingConfig& config);
ClippedGradients naiveClippedGradientSum(TextClassifierImpl& model, const Batch& batch, const ClippingConfig& config);

/// The clipping factors c_i for norms ‖g_i‖.
torch::Tensor clippingFactors(const torch::Tensor& norms, const ClippingConfig& config);

}  // namespace trustlab
