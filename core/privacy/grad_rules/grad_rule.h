// core/privacy/grad_rules: how eDP-SGD reads one kind of tracked layer (layers/tracked_layers.h).
// From what the layer's calls recorded — the inputs a and the gradients g of its outputs, each
// [B, T, ·] over all calls of the layer — a rule gives each example's squared gradient norm, and
// writes the sum of the per-example gradients after each example's g was scaled by its clipping
// factor (book-keeping: the ordinary gradient formula, no second backward pass). One file per
// kind, registered under the name the tracked layer records, in the spirit of Opacus' grad_sample/.
// Adding a layer kind (GRU, Conv1d) is one rule file, its line in grad_rule.cpp and its tracked layer.
#pragma once
#include <torch/types.h>

#include <functional>

#include "config/registry.h"

namespace trustlab {

/// All calls of one layer, concatenated along time.
struct LayerTrace {
  torch::Tensor a;             ///< inputs as sequence() made them: [B, T, ·]
  torch::Tensor g;             ///< output gradients [B, T, d_out]
  torch::Tensor weight, bias;  ///< the layer's parameters (bias may be undefined)
  /// The per-example weight gradients [B, ·weight.shape], when addSquaredNorms found them cheaper
  /// to form than the ghost norm: writeGradients then sums them instead of a second product.
  torch::Tensor perExample;
};

struct GradRule {
  /// One call's recorded input as [B, T, ·] (T = 1 for a call on [B, d]).
  std::function<torch::Tensor(const torch::Tensor& input, int64_t batch)> sequence;
  /// Adds each example's ‖∂loss_i/∂θ‖² over the layer's parameters to sq [B]; may keep the
  /// per-example gradients in t for writeGradients.
  std::function<void(LayerTrace& t, torch::Tensor& sq)> addSquaredNorms;
  /// Sets the layer's parameters' .grad to Σ_i c_i ∂loss_i/∂θ for the clipping factors c [B, 1, 1]
  /// (without per-example gradients: the ordinary formula with each example's g scaled by c_i).
  std::function<void(const LayerTrace& t, const torch::Tensor& factors)> writeGradients;
};

/// linear, embedding, layer_norm and any added by plugins.
Registry<GradRule>& gradRuleRegistry();

/// [B, d] → [B, 1, d]; [B, …, d] → [B, T, d]: the default sequence() of a rule.
torch::Tensor asSequence(const torch::Tensor& t, int64_t batch);

/// A table E used both for lookups (embedding rule) and as a tied output layer (linear rule, x Eᵀ):
/// the per-example gradient is the sum of both, so its squared norm needs, besides each part's,
/// twice their inner product. Adds that cross term to sq [B].
void addTiedEmbeddingCrossTerm(const LayerTrace& lookups, const LayerTrace& head, torch::Tensor& sq);

GradRule linearRule();
GradRule embeddingRule();
GradRule layerNormRule();

}  // namespace trustlab
