// core/models: multi-head self-attention from Linear layers (no nn::MultiheadAttention), with a
// key-padding mask, and the attention arithmetic the Transformers share.
#pragma once
#include <torch/nn/modules/dropout.h>
#include <torch/nn/pimpl.h>

#include "layers/tracked_layers.h"

namespace trustlab {

/// softmax(q kᵀ/√d) v per head: q, k, v [B, T, D] split into `heads` heads of D/heads; `allowed`
/// bool, broadcastable to [B, heads, T, T], true where a query may attend to a key. A query that
/// may see nothing gets a uniform average (the lowest finite score, not -inf, so no NaN).
/// Returns [B, T, D].
torch::Tensor multiHeadAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads,
                                 const torch::Tensor& allowed, torch::nn::Dropout& dropout);

struct SelfAttentionOptions {
  SelfAttentionOptions(int64_t dim, int64_t heads) : dim_(dim), heads_(heads) {}
  TORCH_ARG(int64_t, dim);
  TORCH_ARG(int64_t, heads);
  TORCH_ARG(double, dropout) = 0.1;
};

class SelfAttentionImpl : public torch::nn::Module {
 public:
  explicit SelfAttentionImpl(const SelfAttentionOptions& options);
  /// x: [B, T, D]; mask: [B, T] bool, true at real tokens. Returns [B, T, D].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
  SelfAttentionOptions options;

 private:
  TrackedLinear qkv{nullptr};  ///< one projection for queries, keys and values
  TrackedLinear out{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(SelfAttention);

}  // namespace trustlab
