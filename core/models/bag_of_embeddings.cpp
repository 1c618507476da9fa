#include "models/bag_of_embeddings.h"

#include <torch/torch.h>

namespace trustlab {

BagOfEmbeddingsImpl::BagOfEmbeddingsImpl(const BagOfEmbeddingsOptions& o) : options(o) {
  embedding = register_module(
      "embedding", TrackedEmbedding(o.vocab_size(), o.embedding_dim()));
  dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
  output = register_module("output", TrackedLinear(o.embedding_dim(), o.num_classes()));
}

torch::Tensor BagOfEmbeddingsImpl::forward(const torch::Tensor& ids, const torch::Tensor& lengths) {
  const auto mask = tokenMask(lengths, ids.size(1));
  return output(dropout(maskedMean(embedding(ids), mask)));
}

}  // namespace trustlab
