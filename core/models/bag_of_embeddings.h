// core/models: bag-of-embeddings classifier: mean of token embeddings → linear layer.
#pragma once
#include <torch/nn/modules/dropout.h>
#include "layers/tracked_layers.h"
#include <torch/nn/pimpl.h>

#include "models/text_classifier.h"

namespace trustlab {

struct BagOfEmbeddingsOptions {
  BagOfEmbeddingsOptions(int64_t vocab_size, int64_t num_classes)
      : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, embedding_dim) = 128;
  TORCH_ARG(double, dropout) = 0.1;
};

class BagOfEmbeddingsImpl : public TextClassifierImpl {
 public:
  explicit BagOfEmbeddingsImpl(const BagOfEmbeddingsOptions& options);
  torch::Tensor embedTokens(const torch::Tensor& ids) override;
  torch::Tensor forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) override;
  torch::Tensor tokenEmbeddingTable() const override;
  torch::Tensor tokenStates(const torch::Tensor& embedded, const torch::Tensor& lengths) override;
  BagOfEmbeddingsOptions options;

 private:
  TrackedEmbedding embedding{nullptr};
  torch::nn::Dropout dropout{nullptr};
  TrackedLinear output{nullptr};
};
TORCH_MODULE(BagOfEmbeddings);

}  // namespace trustlab
