// core/models: a small word-level causal Transformer language model (teacher and student of
// role-reversal distillation): learned token and position embeddings, pre-built causal mask,
// TransformerEncoder layers, a tied-free output projection to the vocabulary.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/transformercoder.h>
#include <torch/nn/pimpl.h>

namespace trustlab {

struct WordLmOptions {
  explicit WordLmOptions(int64_t vocab_size) : vocab_size_(vocab_size) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, dim) = 64;
  TORCH_ARG(int64_t, layers) = 2;
  TORCH_ARG(int64_t, heads) = 4;
  TORCH_ARG(int64_t, ffn_dim) = 128;
  TORCH_ARG(int64_t, max_length) = 64;
  TORCH_ARG(double, dropout) = 0.1;
};

class WordLmImpl : public torch::nn::Module {
 public:
  explicit WordLmImpl(const WordLmOptions& options);
  /// ids [B, T] (padded with 0) → next-token logits [B, T, V]; position t sees tokens ≤ t.
  torch::Tensor forward(const torch::Tensor& ids);
  /// The last layer's states [B, T, D]: contextual embeddings of the tokens (CEAT reads them).
  torch::Tensor hidden(const torch::Tensor& ids);

  WordLmOptions options;
  torch::nn::Embedding tokens{nullptr}, positions{nullptr};
  torch::nn::TransformerEncoder encoder{nullptr};
  torch::nn::Linear output{nullptr};
};
TORCH_MODULE(WordLm);

}  // namespace trustlab
