// core/models: Transformer encoder classifier: token + learned position embeddings → pre-LayerNorm
// encoder layers (self-attention, GELU feed-forward) → final LayerNorm → masked mean → linear.
#pragma once
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>

#include "models/attention.h"
#include "models/text_classifier.h"

namespace trustlab {

struct TransformerClassifierOptions {
  TransformerClassifierOptions(int64_t vocab_size, int64_t num_classes)
      : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, dim) = 128;
  TORCH_ARG(int64_t, heads) = 4;
  TORCH_ARG(int64_t, layers) = 2;
  TORCH_ARG(int64_t, ffn_dim) = 512;
  TORCH_ARG(int64_t, max_length) = 128;  ///< number of learned positions
  TORCH_ARG(double, dropout) = 0.1;
};

class EncoderLayerImpl : public torch::nn::Module {
 public:
  explicit EncoderLayerImpl(const TransformerClassifierOptions& options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);

 private:
  TrackedLayerNorm norm1{nullptr}, norm2{nullptr};
  SelfAttention attention{nullptr};
  TrackedLinear ffnIn{nullptr}, ffnOut{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(EncoderLayer);

class TransformerClassifierImpl : public TextClassifierImpl {
 public:
  explicit TransformerClassifierImpl(const TransformerClassifierOptions& options);
  torch::Tensor embedTokens(const torch::Tensor& ids) override;
  torch::Tensor forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) override;
  torch::Tensor tokenEmbeddingTable() const override;
  torch::Tensor tokenStates(const torch::Tensor& embedded, const torch::Tensor& lengths) override;
  TransformerClassifierOptions options;

 private:
  TrackedEmbedding tokens{nullptr}, positions{nullptr};
  torch::nn::ModuleList layers;
  TrackedLayerNorm finalNorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
  TrackedLinear output{nullptr};
};
TORCH_MODULE(TransformerClassifier);

}  // namespace trustlab
