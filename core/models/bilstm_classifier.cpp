#include "models/bilstm_classifier.h"

#include <torch/torch.h>

#include <limits>

namespace trustlab {

BiLstmClassifierImpl::BiLstmClassifierImpl(const BiLstmClassifierOptions& o) : options(o) {
  embedding = register_module(
      "embedding", TrackedEmbedding(o.vocab_size(), o.embedding_dim()));
  for (int64_t l = 0; l < o.layers(); ++l) {
    const int64_t in = l == 0 ? o.embedding_dim() : 2 * o.hidden_size();
    forwardLayers->push_back(LstmLayer(LstmLayerOptions(in, o.hidden_size())));
    backwardLayers->push_back(LstmLayer(LstmLayerOptions(in, o.hidden_size()).reverse(true)));
  }
  register_module("forward_layers", forwardLayers);
  register_module("backward_layers", backwardLayers);
  dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
  output = register_module("output", TrackedLinear(2 * o.hidden_size(), o.num_classes()));
}

torch::Tensor BiLstmClassifierImpl::embedTokens(const torch::Tensor& ids) { return embedding(ids); }

torch::Tensor BiLstmClassifierImpl::tokenEmbeddingTable() const { return embedding->weight; }

torch::Tensor BiLstmClassifierImpl::tokenStates(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  const auto mask = tokenMask(lengths, embedded.size(1));
  auto x = dropout(embedded);
  for (size_t l = 0; l < forwardLayers->size(); ++l) {
    const auto fwd = forwardLayers[l]->as<LstmLayer>()->forward(x, mask);
    const auto bwd = backwardLayers[l]->as<LstmLayer>()->forward(x, mask);
    x = torch::cat({fwd, bwd}, -1);
    if (l + 1 < forwardLayers->size()) x = dropout(x);
  }
  return x;
}

torch::Tensor BiLstmClassifierImpl::forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  const auto mask = tokenMask(lengths, embedded.size(1));
  const auto x = tokenStates(embedded, lengths);
  // Max over real positions only.
  const auto pooled =
      x.masked_fill(~mask.unsqueeze(-1), -std::numeric_limits<float>::infinity()).amax(1);
  return output(dropout(pooled));
}

}  // namespace trustlab
