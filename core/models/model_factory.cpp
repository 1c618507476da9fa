#include "models/model_factory.h"

#include <algorithm>

#include "models/bag_of_embeddings.h"
#include "models/bilstm_classifier.h"
#include "models/transformer_classifier.h"

namespace trustlab {
namespace {

TextClassifierPtr makeBag(const ModelConfig& c, int64_t vocab, int64_t classes, int64_t) {
  return BagOfEmbeddings(BagOfEmbeddingsOptions(vocab, classes).embedding_dim(c.embeddingDim).dropout(c.dropout))
      .ptr();
}

TextClassifierPtr makeBiLstm(const ModelConfig& c, int64_t vocab, int64_t classes, int64_t) {
  return BiLstmClassifier(BiLstmClassifierOptions(vocab, classes)
                              .embedding_dim(c.embeddingDim)
                              .hidden_size(c.hiddenSize)
                              .layers(c.layers > 0 ? c.layers : 1)
                              .dropout(c.dropout))
      .ptr();
}

TextClassifierPtr makeTransformer(const ModelConfig& c, int64_t vocab, int64_t classes, int64_t maxLength) {
  return TransformerClassifier(TransformerClassifierOptions(vocab, classes)
                                   .dim(c.embeddingDim)
                                   .heads(c.heads)
                                   .layers(c.layers > 0 ? c.layers : 2)
                                   .ffn_dim(c.ffnDim)
                                   .max_length(std::max<int64_t>(maxLength, 1))
                                   .dropout(c.dropout))
      .ptr();
}

std::vector<SpecIssue> checkTransformer(const ModelConfig& c) {
  if (c.heads >= 1 && c.embeddingDim % c.heads == 0) return {};
  return {{"model.heads", "embedding_dim must be divisible by heads"}};
}

}  // namespace

Registry<ModelEntry>& modelRegistry() {
  static Registry<ModelEntry> r("model", "model.type", [](auto& reg) {
    reg.add({"bag", "bag of embeddings: mean of token vectors, then a linear layer"},
            {makeBag, {"embedding_dim", "dropout"}, {}});
    reg.add({"bilstm", "bidirectional LSTM (cells written from Linear layers), max-pooled"},
            {makeBiLstm, {"embedding_dim", "hidden_size", "layers", "dropout"}, {}});
    reg.add({"transformer", "pre-LayerNorm Transformer encoder with learned positions"},
            {makeTransformer, {"embedding_dim", "layers", "heads", "ffn_dim", "dropout"}, checkTransformer});
  });
  return r;
}

TextClassifierPtr makeClassifier(const ModelConfig& c, int64_t vocabSize, int64_t numClasses, int64_t maxLength) {
  return modelRegistry().at(c.type).make(c, vocabSize, numClasses, maxLength);
}

}  // namespace trustlab
