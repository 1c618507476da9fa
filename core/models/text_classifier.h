// core/models: the interface every text classifier implements: token ids → class logits.
#pragma once
#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>

namespace trustlab {

class TextClassifierImpl : public torch::nn::Module {
 public:
  /// ids: [B, T] int64, right-padded with 0; lengths: [B] int64 ≥ 1. Returns logits [B, C].
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& lengths) {
    return forwardEmbedded(embedTokens(ids), lengths);
  }
  /// Token lookup [B, T] → [B, T, D] through the tracked embedding (so clipping sees it).
  virtual torch::Tensor embedTokens(const torch::Tensor& ids) = 0;
  /// The rest of forward, from token vectors [B, T, D]: model inversion feeds it relaxed tokens,
  /// mixtures of the rows of tokenEmbeddingTable().
  virtual torch::Tensor forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) = 0;
  /// The token embedding weights [V, D].
  virtual torch::Tensor tokenEmbeddingTable() const = 0;
  /// Each token's contextual state [B, T, H] from token vectors: what forwardEmbedded pools into
  /// the class (intrinsic tests of contextual embeddings, CEAT, read it). A model without context
  /// (a bag of embeddings) returns its token vectors.
  virtual torch::Tensor tokenStates(const torch::Tensor& embedded, const torch::Tensor& lengths) = 0;
  /// Whether a token's state has seen only the tokens before it (GPT-2): then the state at the
  /// end of a text, not at a word, is the one that has seen the word in its whole context.
  virtual bool causalStates() const { return false; }
};
using TextClassifierPtr = std::shared_ptr<TextClassifierImpl>;

/// [B, T] bool, true at real (non-padding) positions.
torch::Tensor tokenMask(const torch::Tensor& lengths, int64_t T);

/// Mean of x [B, T, D] over the real positions given by mask [B, T].
torch::Tensor maskedMean(const torch::Tensor& x, const torch::Tensor& mask);

}  // namespace trustlab
