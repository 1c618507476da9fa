#include "models/attention.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

namespace trustlab {

SelfAttentionImpl::SelfAttentionImpl(const SelfAttentionOptions& o) : options(o) {
  TORCH_CHECK(o.dim() % o.heads() == 0, "attention dim ", o.dim(), " not divisible by heads ", o.heads());
  qkv = register_module("qkv", TrackedLinear(o.dim(), 3 * o.dim()));
  out = register_module("out", TrackedLinear(o.dim(), o.dim()));
  dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  const int64_t B = x.size(0), T = x.size(1), D = options.dim(), H = options.heads(), d = D / H;
  // [B, T, 3D] → 3 × [B, H, T, d]
  const auto parts = qkv(x).view({B, T, 3, H, d}).permute({2, 0, 3, 1, 4}).unbind(0);
  auto scores = torch::matmul(parts[0], parts[1].transpose(-2, -1)) / std::sqrt(double(d));
  scores = scores.masked_fill(~mask.view({B, 1, 1, T}), -std::numeric_limits<float>::infinity());
  const auto weights = dropout(torch::softmax(scores, -1));
  const auto context = torch::matmul(weights, parts[2]).transpose(1, 2).reshape({B, T, D});
  return out(context);
}

}  // namespace trustlab
