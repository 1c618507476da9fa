#include "models/model_factory.h"

#include <algorithm>

#include "models/bag_of_embeddings.h"
#include "models/bilstm_classifier.h"
#include "models/transformer_classifier.h"
#include "util/errors.h"

namespace trustlab {

const std::vector<std::string>& modelTypes() {
  static const std::vector<std::string> k = {"bag", "bilstm", "transformer"};
  return k;
}

TextClassifierPtr makeClassifier(const ModelConfig& c, int64_t vocabSize, int64_t numClasses,
                                 int64_t maxLength) {
  if (c.type == "bag")
    return BagOfEmbeddings(BagOfEmbeddingsOptions(vocabSize, numClasses)
                               .embedding_dim(c.embeddingDim)
                               .dropout(c.dropout))
        .ptr();
  if (c.type == "bilstm")
    return BiLstmClassifier(BiLstmClassifierOptions(vocabSize, numClasses)
                                .embedding_dim(c.embeddingDim)
                                .hidden_size(c.hiddenSize)
                                .layers(c.layers > 0 ? c.layers : 1)
                                .dropout(c.dropout))
        .ptr();
  if (c.type == "transformer")
    return TransformerClassifier(TransformerClassifierOptions(vocabSize, numClasses)
                                     .dim(c.embeddingDim)
                                     .heads(c.heads)
                                     .layers(c.layers > 0 ? c.layers : 2)
                                     .ffn_dim(c.ffnDim)
                                     .max_length(std::max<int64_t>(maxLength, 1))
                                     .dropout(c.dropout))
        .ptr();
  throw InputError("model.type", "unknown model '" + c.type + "' (bag, bilstm, transformer)");
}

}  // namespace trustlab
