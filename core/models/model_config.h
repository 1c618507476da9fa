// core/models: the "model" section of a spec and its declared fields. Which fields a model reads
// is said by its registry entry (model_factory.h), so the designer shows only those.
#pragma once
#include <cstdint>
#include <string>

#include "config/fields.h"

namespace trustlab {

/// How much of a pretrained model trains (models/fine_tuning.h: the modes).
struct FineTuningConfig {
  std::string mode = "full";  ///< a fineTuningModeRegistry() name
  long topLayers = 1;         ///< top_layers: how many of the last blocks train
  long loraRank = 8;          ///< lora: r
  double loraAlpha = 16;      ///< lora: α (the update is scaled by α/r)
};

struct ModelConfig {
  std::string type = "bilstm";  ///< a modelRegistry() name
  int64_t embeddingDim = 128;   ///< also the Transformer width
  int64_t hiddenSize = 128;     ///< LSTM hidden units per direction
  int64_t layers = 0;  ///< LSTM or encoder layers; 0 = the model's default (1 BiLSTM, 2 Transformer)
  int64_t heads = 4;
  int64_t ffnDim = 512;
  double dropout = 0.1;
  std::string path;  ///< hf: the Hugging Face model folder (config.json, model.safetensors, tokenizer files)
  FineTuningConfig fineTuning;
};

const FieldList<ModelConfig>& modelFields();

}  // namespace trustlab
