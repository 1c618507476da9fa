#include "layers/tracked_layers.h"

#include <torch/torch.h>

#include <cmath>

#include "layers/gradient_tape.h"

namespace trustlab {
namespace {

/// Whether a layer with these parameters has anything to learn (a frozen layer is not recorded).
bool trains(const torch::Tensor& weight, const torch::Tensor& bias) {
  return weight.requires_grad() || (bias.defined() && bias.requires_grad());
}

}  // namespace

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
  if (auto* tape = GradientTape::active(); tape && trains(weight, bias)) tape->record({"linear", this, x, y, weight, bias});
  return loraA_ ? y + loraScale_ * loraB_->forward(loraA_->forward(x)) : y;
}

void TrackedLinearImpl::addLowRankAdapter(int64_t rank, double alpha) {
  TORCH_CHECK(!loraA_, "the layer already has a LoRA adapter");
  TORCH_CHECK(rank > 0, "LoRA rank must be positive");
  const auto in = weight.size(1), out = weight.size(0);
  loraA_ = register_module("lora_A", std::make_shared<TrackedLinearImpl>(torch::nn::LinearOptions(in, rank).bias(false)));
  loraB_ = register_module("lora_B", std::make_shared<TrackedLinearImpl>(torch::nn::LinearOptions(rank, out).bias(false)));
  torch::NoGradGuard noGrad;
  loraA_->to(weight.device(), weight.scalar_type());
  loraB_->to(weight.device(), weight.scalar_type());
  loraB_->weight.zero_();
  loraScale_ = alpha / double(rank);
}

torch::Tensor TrackedLinearImpl::mergedWeight() const {
  torch::NoGradGuard noGrad;
  return loraA_ ? weight + loraScale_ * torch::matmul(loraB_->weight, loraA_->weight) : weight.detach();
}

TrackedEmbeddingImpl::TrackedEmbeddingImpl(int64_t count, int64_t dim) {
  weight = register_parameter("weight", torch::randn({count, dim}));
}

torch::Tensor TrackedEmbeddingImpl::forward(const torch::Tensor& ids) {
  auto y = torch::embedding(weight, ids);
  if (auto* tape = GradientTape::active(); tape && trains(weight, {})) tape->record({"embedding", this, ids, y, weight, {}});
  return y;
}

torch::Tensor TrackedEmbeddingImpl::project(const torch::Tensor& x) {
  auto y = torch::linear(x, weight);
  if (auto* tape = GradientTape::active(); tape && trains(weight, {})) tape->record({"linear", this, x, y, weight, {}});
  return y;
}

TrackedLayerNormImpl::TrackedLayerNormImpl(int64_t dim, double eps) : dim_(dim), eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
  bias = register_parameter("bias", torch::zeros({dim}));
}

torch::Tensor TrackedLayerNormImpl::forward(const torch::Tensor& x) {
  auto* tape = GradientTape::active();
  if (!tape || !trains(weight, bias)) return torch::layer_norm(x, {dim_}, weight, bias, eps_);
  // Per-example gradients of the affine part need the normalised input x̂.
  const auto normalised = torch::layer_norm(x, {dim_}, {}, {}, eps_);
  auto y = torch::addcmul(bias, normalised, weight);
  tape->record({"layer_norm", this, normalised, y, weight, bias});
  return y;
}

std::vector<torch::Tensor> trainableParameters(const torch::nn::Module& model) {
  std::vector<torch::Tensor> out;
  for (const auto& p : model.parameters())
    if (p.requires_grad()) out.push_back(p);
  return out;
}

}  // namespace trustlab
