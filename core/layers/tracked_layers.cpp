#include "layers/tracked_layers.h"

#include <torch/torch.h>

#include <cmath>

#include "layers/gradient_tape.h"

namespace trustlab {

TrackedLinearImpl::TrackedLinearImpl(const torch::nn::LinearOptions& o) {
  weight = register_parameter("weight", torch::empty({o.out_features(), o.in_features()}));
  // LibTorch's Linear initialisation: Kaiming-uniform (a = √5), bias U(±1/√fan_in).
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (o.bias()) {
    const double bound = 1.0 / std::sqrt(double(o.in_features()));
    bias = register_parameter("bias", torch::empty({o.out_features()}).uniform_(-bound, bound));
  }
}

torch::Tensor TrackedLinearImpl::forward(const torch::Tensor& x) {
  // at::linear (not F::linear, which in LibTorch 1.13 splits 3-D inputs into matmul + add) folds
  // batched inputs into one addmm, as PyTorch does.
  auto y = torch::linear(x, weight, bias);
  if (auto* tape = GradientTape::active()) tape->record({"linear", this, x, y, weight, bias});
  return y;
}

TrackedEmbeddingImpl::TrackedEmbeddingImpl(int64_t count, int64_t dim) {
  weight = register_parameter("weight", torch::randn({count, dim}));
}

torch::Tensor TrackedEmbeddingImpl::forward(const torch::Tensor& ids) {
  auto y = torch::embedding(weight, ids);
  if (auto* tape = GradientTape::active()) tape->record({"embedding", this, ids, y, weight, {}});
  return y;
}

torch::Tensor TrackedEmbeddingImpl::project(const torch::Tensor& x) {
  auto y = torch::linear(x, weight);
  if (auto* tape = GradientTape::active()) tape->record({"linear", this, x, y, weight, {}});
  return y;
}

TrackedLayerNormImpl::TrackedLayerNormImpl(int64_t dim, double eps) : dim_(dim), eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
  bias = register_parameter("bias", torch::zeros({dim}));
}

torch::Tensor TrackedLayerNormImpl::forward(const torch::Tensor& x) {
  auto* tape = GradientTape::active();
  if (!tape) return torch::layer_norm(x, {dim_}, weight, bias, eps_);
  // Per-example gradients of the affine part need the normalised input x̂.
  const auto normalised = torch::layer_norm(x, {dim_}, {}, {}, eps_);
  auto y = torch::addcmul(bias, normalised, weight);
  tape->record({"layer_norm", this, normalised, y, weight, bias});
  return y;
}

}  // namespace trustlab
