// core/models: builds a classifier from its configuration (the "model" section of a spec).
#pragma once
#include <string>
#include <vector>

#include "models/text_classifier.h"

namespace trustlab {

struct ModelConfig {
  std::string type = "bilstm";  ///< "bag", "bilstm" or "transformer"
  int64_t embeddingDim = 128;   ///< also the Transformer width
  int64_t hiddenSize = 128;     ///< LSTM hidden units per direction
  int64_t layers = 0;  ///< LSTM or encoder layers; 0 = the model's default (1 BiLSTM, 2 Transformer)
  int64_t heads = 4;
  int64_t ffnDim = 512;
  double dropout = 0.1;
};

const std::vector<std::string>& modelTypes();

/// maxLength is the longest sequence the model will see (Transformer positions).
TextClassifierPtr makeClassifier(const ModelConfig& config, int64_t vocabSize, int64_t numClasses,
                                 int64_t maxLength);

}  // namespace trustlab
