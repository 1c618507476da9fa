// core/layers: Linear, Embedding and LayerNorm that behave exactly like LibTorch's (same
// parameters, names and initialisation) but report their inputs and outputs to an active
// GradientTape, which is what lets eDP-SGD see every weight's input and output gradient.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/options/embedding.h>
#include <torch/nn/options/linear.h>
#include <torch/nn/pimpl.h>

namespace trustlab {

class TrackedLinearImpl : public torch::nn::Module {
 public:
  explicit TrackedLinearImpl(const torch::nn::LinearOptions& options);
  TrackedLinearImpl(int64_t in, int64_t out) : TrackedLinearImpl(torch::nn::LinearOptions(in, out)) {}
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
};
TORCH_MODULE(TrackedLinear);

class TrackedEmbeddingImpl : public torch::nn::Module {
 public:
  TrackedEmbeddingImpl(int64_t count, int64_t dim);
  torch::Tensor forward(const torch::Tensor& ids);
  /// The table as a tied output layer: x Eᵀ, [..., dim] → [..., count] (GPT-2's LM head). The tape
  /// records it as a linear use of the same weight, whose per-example gradient adds to the lookups'.
  torch::Tensor project(const torch::Tensor& x);
  torch::Tensor weight;
};
TORCH_MODULE(TrackedEmbedding);

/// LayerNorm over the last dimension with an elementwise affine transform.
class TrackedLayerNormImpl : public torch::nn::Module {
 public:
  explicit TrackedLayerNormImpl(int64_t dim, double eps = 1e-5);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;

 private:
  int64_t dim_;
  double eps_;
};
TORCH_MODULE(TrackedLayerNorm);

}  // namespace trustlab
