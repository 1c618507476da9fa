// core/layers: the gradient tape. While a TapeScope is alive on a thread, every tracked layer
// (layers/tracked_layers.h) records its input and output there, so eDP-SGD can compute each
// example's gradient norm and the clipped gradient sum from activations and output gradients,
// without materialising per-example gradients.
#pragma once
#include <torch/types.h>

#include <vector>

namespace torch::nn {
class Module;
}

namespace trustlab {

struct TapeRecord {
  /// The gradient rule that reads this layer (privacy/grad_rules: "linear", "embedding", "layer_norm").
  const char* kind;
  const torch::nn::Module* module;  ///< groups the calls of one layer (an LSTM cell is called T times)
  torch::Tensor input;   ///< Linear: activations [B, …, d_in]; Embedding: ids [B, T]; LayerNorm: x̂ [B, …, D]
  torch::Tensor output;  ///< the layer's output, whose gradient the tape asks autograd for
  torch::Tensor weight, bias;  ///< the layer's parameters (bias may be undefined)
};

class GradientTape {
 public:
  /// The tape recording on this thread, or nullptr.
  static GradientTape* active();
  void record(TapeRecord r) { records_.push_back(std::move(r)); }
  const std::vector<TapeRecord>& records() const { return records_; }

 private:
  std::vector<TapeRecord> records_;
};

/// Activates `tape` on this thread for the scope's lifetime.
class TapeScope {
 public:
  explicit TapeScope(GradientTape& tape);
  ~TapeScope();
  TapeScope(const TapeScope&) = delete;
  TapeScope& operator=(const TapeScope&) = delete;

 private:
  GradientTape* previous_;
};

}  // namespace trustlab
