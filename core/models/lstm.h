// core/models: a single-direction LSTM layer built from two Linear layers, so every weight's
// inputs and output gradients are visible to per-example gradient code.
#pragma once
#include <torch/nn/pimpl.h>

#include "layers/tracked_layers.h"

namespace trustlab {

struct LstmLayerOptions {
  LstmLayerOptions(int64_t input_size, int64_t hidden_size)
      : input_size_(input_size), hidden_size_(hidden_size) {}
  TORCH_ARG(int64_t, input_size);
  TORCH_ARG(int64_t, hidden_size);
  TORCH_ARG(bool, reverse) = false;  ///< run right-to-left over the real tokens
};

class LstmLayerImpl : public torch::nn::Module {
 public:
  explicit LstmLayerImpl(const LstmLayerOptions& options);
  /// x: [B, T, D]; mask: [B, T] bool (right padding). Returns hidden states [B, T, H], zero at
  /// padding. The reverse direction starts at each sequence's last real token.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
  LstmLayerOptions options;

 private:
  TrackedLinear inputProjection{nullptr};   ///< x_t → gates (with bias)
  TrackedLinear hiddenProjection{nullptr};  ///< h_{t-1} → gates (no bias)
};
TORCH_MODULE(LstmLayer);

}  // namespace trustlab
