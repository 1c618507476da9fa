// core/models: bidirectional LSTM classifier: embeddings → stacked BiLSTM → masked max-pool → linear.
#pragma once
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>

#include "models/lstm.h"
#include "models/text_classifier.h"

namespace trustlab {

struct BiLstmClassifierOptions {
  BiLstmClassifierOptions(int64_t vocab_size, int64_t num_classes)
      : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, embedding_dim) = 128;
  TORCH_ARG(int64_t, hidden_size) = 128;
  TORCH_ARG(int64_t, layers) = 1;
  TORCH_ARG(double, dropout) = 0.1;
};

class BiLstmClassifierImpl : public TextClassifierImpl {
 public:
  explicit BiLstmClassifierImpl(const BiLstmClassifierOptions& options);
  torch::Tensor embedTokens(const torch::Tensor& ids) override;
  torch::Tensor forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) override;
  torch::Tensor tokenEmbeddingTable() const override;
  torch::Tensor tokenStates(const torch::Tensor& embedded, const torch::Tensor& lengths) override;
  BiLstmClassifierOptions options;

 private:
  TrackedEmbedding embedding{nullptr};
  torch::nn::ModuleList forwardLayers, backwardLayers;
  torch::nn::Dropout dropout{nullptr};
  TrackedLinear output{nullptr};
};
TORCH_MODULE(BiLstmClassifier);

}  // namespace trustlab
