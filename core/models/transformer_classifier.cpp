#include "models/transformer_classifier.h"

#include <torch/torch.h>

#include "layers/gradient_tape.h"

namespace trustlab {

EncoderLayerImpl::EncoderLayerImpl(const TransformerClassifierOptions& o) {
  norm1 = register_module("norm1", TrackedLayerNorm(o.dim()));
  attention = register_module("attention",
                              SelfAttention(SelfAttentionOptions(o.dim(), o.heads()).dropout(o.dropout())));
  norm2 = register_module("norm2", TrackedLayerNorm(o.dim()));
  ffnIn = register_module("ffn_in", TrackedLinear(o.dim(), o.ffn_dim()));
  ffnOut = register_module("ffn_out", TrackedLinear(o.ffn_dim(), o.dim()));
  dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  auto y = x + dropout(attention(norm1(x), mask));
  return y + dropout(ffnOut(torch::gelu(ffnIn(norm2(y)))));
}

TransformerClassifierImpl::TransformerClassifierImpl(const TransformerClassifierOptions& o) : options(o) {
  tokens = register_module("tokens", TrackedEmbedding(o.vocab_size(), o.dim()));
  positions = register_module("positions", TrackedEmbedding(o.max_length(), o.dim()));
  for (int64_t l = 0; l < o.layers(); ++l) layers->push_back(EncoderLayer(o));
  register_module("layers", layers);
  finalNorm = register_module("final_norm", TrackedLayerNorm(o.dim()));
  dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
  output = register_module("output", TrackedLinear(o.dim(), o.num_classes()));
  torch::NoGradGuard g;
  tokens->weight.normal_(0, 0.02);
  positions->weight.normal_(0, 0.02);
}

torch::Tensor TransformerClassifierImpl::embedTokens(const torch::Tensor& ids) { return tokens(ids); }

torch::Tensor TransformerClassifierImpl::tokenEmbeddingTable() const { return tokens->weight; }

torch::Tensor TransformerClassifierImpl::tokenStates(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  const int64_t B = embedded.size(0), T = embedded.size(1);
  TORCH_CHECK(T <= options.max_length(), "sequence length ", T, " exceeds max_length ", options.max_length());
  const auto mask = tokenMask(lengths, T);
  // Under a gradient tape, position ids are expanded per example so each example's position-
  // embedding gradient is its own; otherwise one [T, D] lookup is broadcast (cheaper).
  auto positionIds = torch::arange(T, torch::TensorOptions(torch::kLong).device(embedded.device())).unsqueeze(0);
  if (GradientTape::active()) positionIds = positionIds.expand({B, T});
  auto x = dropout(embedded + positions(positionIds));
  for (const auto& layer : *layers) x = layer->as<EncoderLayer>()->forward(x, mask);
  return finalNorm(x);
}

torch::Tensor TransformerClassifierImpl::forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  return output(dropout(maskedMean(tokenStates(embedded, lengths), tokenMask(lengths, embedded.size(1)))));
}

}  // namespace trustlab
