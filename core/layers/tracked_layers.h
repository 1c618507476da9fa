// core/layers: Linear, Embedding and LayerNorm that behave exactly like LibTorch's (same
// parameters, names and initialisation) but report their inputs and outputs to an active
// GradientTape, which is what lets eDP-SGD see every weight's input and output gradient. A frozen
// layer (no parameter requiring gradients) records nothing. A Linear may carry a LoRA adapter.
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
  /// LoRA (Hu et al. 2022): y = W x + b + (α/r)·B A x with A [r, in] (LibTorch's Linear
  /// initialisation) and B [out, r] zero, so training starts from the layer's function. A and B
  /// are tracked layers ("lora_A", "lora_B"), so clipping sees them; freezing W and b is the
  /// fine-tuning mode's business.
  void addLowRankAdapter(int64_t rank, double alpha);
  bool hasLowRankAdapter() const { return loraA_ != nullptr; }
  /// W, with the adapter folded in when there is one: W + (α/r)·B A (what a saved model stores).
  torch::Tensor mergedWeight() const;
  torch::Tensor weight, bias;

 private:
  std::shared_ptr<TrackedLinearImpl> loraA_, loraB_;
  double loraScale_ = 0;
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

/// The parameters that require gradients, in the module's order: what optimisers, clipping and
/// noise act on (a fine-tuning mode may freeze the rest).
std::vector<torch::Tensor> trainableParameters(const torch::nn::Module& model);

}  // namespace trustlab
