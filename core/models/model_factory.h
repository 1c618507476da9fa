// core/models: the model registry (name → what it is, which "model" fields it reads, how it is
// built) and makeClassifier, which builds the spec's model from it.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/registry.h"
#include "models/model_config.h"
#include "models/text_classifier.h"

namespace trustlab {

struct ModelEntry {
  /// vocabulary size, classes, longest sequence (Transformer positions) → a fresh model.
  std::function<TextClassifierPtr(const ModelConfig&, int64_t vocab, int64_t classes, int64_t maxLength)> make;
  std::vector<std::string> fields;  ///< the "model" keys it reads (besides type)
  /// Checks across its fields (e.g. heads divide the width); empty when the config is fine.
  std::function<std::vector<SpecIssue>(const ModelConfig&)> check;
  /// A model that brings its own tokenizer (a pretrained one: its folder) says where it is; the
  /// data are then encoded with it unless data.pretrained_tokenizer names another. Empty: none.
  std::function<std::string(const ModelConfig&)> tokenizer;
  /// What the configured model is, in one line, for the designer (hf: what its folder holds);
  /// InputError when it cannot be read. Empty function: nothing to say beyond the fields.
  std::function<std::string(const ModelConfig&)> describe;
};

/// bag, bilstm, transformer, hf (a Hugging Face BERT/DistilBERT/RoBERTa/GPT-2 folder) and any
/// added by plugins (the spec field model.type chooses).
Registry<ModelEntry>& modelRegistry();

class HfTransformerImpl;  // models/hf_transformer.h

/// maxLength is the longest sequence the model will see (Transformer positions).
TextClassifierPtr makeClassifier(const ModelConfig& config, int64_t vocabSize, int64_t numClasses,
                                 int64_t maxLength);

/// The model types makeLanguageModel builds (transformer, hf), and why another cannot be one.
const std::vector<std::string>& languageModelTypes();
std::string cannotPredictWords(const std::string& type);

/// The causal language model next-word training builds from a spec's model section: GPT-2-shaped
/// over the data's tokens for `transformer` (embedding_dim, layers (0: 2), heads, ffn_dim,
/// dropout), or a GPT-2-family folder for `hf` (its fine-tuning mode applied; the LM head is the
/// tied embedding, so nothing is new). InputError naming model.type for a model that cannot predict
/// words, model.path for an encoder's folder.
std::shared_ptr<HfTransformerImpl> makeLanguageModel(const ModelConfig& config, int64_t vocabSize, int64_t maxLength);

}  // namespace trustlab
