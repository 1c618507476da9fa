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

torch::Tensor multiHeadAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads,
                                 const torch::Tensor& allowed, torch::nn::Dropout& dropout) {
  const int64_t B = q.size(0), T = q.size(1), S = k.size(1), D = q.size(2), d = D / heads;
  // Heads as a batch of contiguous [T, d] matrices: each product is one bmm (as PyTorch's
  // multi_head_attention_forward), and q is scaled by 1/√d before it, the smaller tensor.
  const auto split = [&](const torch::Tensor& x) {
    return x.reshape({B, -1, heads, d}).transpose(1, 2).reshape({B * heads, -1, d});
  };
  auto scores = torch::bmm(split(q) * (1.0 / std::sqrt(double(d))), split(k).transpose(1, 2)).view({B, heads, T, S});
  scores = scores.masked_fill(~allowed, std::numeric_limits<float>::lowest());
  const auto weights = dropout(torch::softmax(scores, -1)).view({B * heads, T, S});
  return torch::bmm(weights, split(v)).view({B, heads, T, d}).transpose(1, 2).reshape({B, T, D});
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  const auto parts = qkv(x).chunk(3, -1);
  return out(multiHeadAttention(parts[0], parts[1], parts[2], options.heads(), mask.view({x.size(0), 1, 1, -1}), dropout));
}

}  // namespace trustlab
