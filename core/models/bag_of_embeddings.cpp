#include "models/bag_of_embeddings.h"

#include <torch/torch.h>

namespace trustlab {

BagOfEmbeddingsImpl::BagOfEmbeddingsImpl(const BagOfEmbeddingsOptions& o) : options(o) {
  embedding = register_module(
      "embedding", TrackedEmbedding(o.vocab_size(), o.embedding_dim()));
  dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
  output = register_module("output", TrackedLinear(o.embedding_dim(), o.num_classes()));
}

torch::Tensor BagOfEmbeddingsImpl::embedTokens(const torch::Tensor& ids) { return embedding(ids); }

torch::Tensor BagOfEmbeddingsImpl::forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  return output(dropout(maskedMean(embedded, tokenMask(lengths, embedded.size(1)))));
}

torch::Tensor BagOfEmbeddingsImpl::tokenStates(const torch::Tensor& embedded, const torch::Tensor&) { return embedded; }

torch::Tensor BagOfEmbeddingsImpl::tokenEmbeddingTable() const { return embedding->weight; }

}  // namespace trustlab
