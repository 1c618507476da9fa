// core/privacy: eDP-SGD's per-example work without per-example gradients. One forward pass
// records every tracked layer's input and output on a GradientTape; one autograd call returns the
// outputs' gradients; from those, each example's gradient norm is computed layer by layer
// (Linear: closed form in 2-D, Gram-matrix "ghost" norm or explicit per-example gradient in 3-D,
// chosen by cost; Embedding: grouped by token id, never B×V×D; LayerNorm and biases: explicit),
// and the clipped sum Σ_i c_i·g_i is formed by re-weighting the output gradients (book-keeping:
// no second backward pass). The naive reference does it one example at a time.
#pragma once
#include <torch/types.h>

#include <string>

#include "data/batching.h"
#include "models/text_classifier.h"

namespace trustlab {

struct ClippingConfig {
  /// "flat": c_i = min(1, C/‖g_i‖); "per_layer": each of the L layers clipped to C/√L separately
  /// (the total stays ≤ C, so the noise is unchanged); "auto": c_i = C/(‖g_i‖ + γ) (Bu et al. 2022).
  std::string mode = "flat";
  double clipNorm = 1.0;      ///< C
  double stability = 0.01;    ///< γ of automatic clipping
};

struct ClippedGradients {
  torch::Tensor perExampleNorms;  ///< [B] ‖g_i‖ before clipping
  torch::Tensor loss;             ///< Σ_i loss_i (detached)
  long examples = 0;
  long correct = 0;               ///< examples whose prediction was right (for the running accuracy)
};

/// Sets every parameter's .grad to Σ_i c_i·g_i (no noise, no averaging), where g_i is the
/// gradient of example i's cross-entropy loss. Every trainable parameter must belong to a
/// tracked layer (throws otherwise: an untracked parameter would leak unclipped).
ClippedGradients clippedGradientSum(TextClassifierImpl& model, const Batch& batch, const ClippingConfig& config);

/// The textbook algorithm, one example at a time (reference for tests and the benchmark).
ClippedGradients naiveClippedGradientSum(TextClassifierImpl& model, const Batch& batch, const ClippingConfig& config);

/// The clipping factors c_i for norms ‖g_i‖.
torch::Tensor clippingFactors(const torch::Tensor& norms, const ClippingConfig& config);

}  // namespace trustlab
