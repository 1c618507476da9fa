#include "models/model_factory.h"

#include <algorithm>
#include <cstdio>

#include "models/bag_of_embeddings.h"
#include "models/bilstm_classifier.h"
#include "models/causal_lm.h"
#include "models/fine_tuning.h"
#include "models/hf_transformer.h"
#include "models/transformer_classifier.h"
#include "pretrained/hf_weights.h"
#include "pretrained/safetensors.h"
#include "tokenizers/pretrained_tokenizer.h"
#include "util/errors.h"

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

/// A pretrained model's classifier: the folder's weights (the new head initialised as Hugging
/// Face does), then the fine-tuning mode. Its dropout is the config.json's.
/// The model folder, once it is clear that the data's tokens and lengths fit the model.
HfModelFolder openFittingFolder(const ModelConfig& c, int64_t vocab, int64_t maxLength) {
  auto folder = openHfModelFolder(c.path);
  const auto& settings = folder.settings;
  if (vocab > settings.vocabSize)
    throw InputError("model.path", "the tokenizer has " + std::to_string(vocab) + " tokens, the model only " +
                                       std::to_string(settings.vocabSize) + " embeddings");
  if (maxLength + settings.positionOffset() > settings.maxPositions)
    throw InputError("data.max_length", "exceeds the model's " + std::to_string(settings.maxPositions) + " positions");
  return folder;
}

TextClassifierPtr makeHf(const ModelConfig& c, int64_t vocab, int64_t classes, int64_t maxLength) {
  const auto folder = openFittingFolder(c, vocab, maxLength);
  const auto& settings = folder.settings;
  HfClassifier model(settings, classes, defaultPooling(settings));
  const auto head = model->headParameters();
  loadHfWeights(*model, settings.modelType, *openHfWeights(folder), head);
  applyFineTuning(*model, model->body, head, c.fineTuning);
  return model.ptr();
}

/// "bert · 2 layers · hidden 128 · 2 heads · 4.39 M parameters · vocabulary 30,522 (wordpiece)".
std::string describeHf(const ModelConfig& c) {
  const auto folder = openHfModelFolder(c.path);
  const auto& s = folder.settings;
  const double parameters = double(hfParameterCount(*openHfWeights(folder), s.modelType));
  std::string tokenizer;
  try {
    const auto t = sharedPretrainedTokenizer(folder.folder);
    tokenizer = std::to_string(t->vocabularySize()) + " tokens (" + t->format() + ")";
  } catch (const InputError& e) {
    tokenizer = "no tokenizer in the folder (" + e.message() + ")";
  }
  char size[32];
  std::snprintf(size, sizeof size, "%.2f M", parameters / 1e6);
  return s.modelType + " · " + std::to_string(s.layers) + " layers · hidden " + std::to_string(s.hiddenSize) + " · " +
         std::to_string(s.heads) + " heads · " + size + " parameters · tokenizer: " + tokenizer;
}

std::vector<SpecIssue> checkHf(const ModelConfig& c) {
  if (c.path.empty()) return {{"model.path", "an hf model needs its Hugging Face model folder"}};
  try {
    openHfModelFolder(c.path);
  } catch (const InputError& e) {
    return {{"model.path", e.what()}};
  }
  return {};
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
    reg.add({"hf", "a pretrained Hugging Face model folder (BERT, DistilBERT, RoBERTa, GPT-2) with a classification head"},
            {makeHf, {"path", "fine_tuning", "top_layers", "lora_rank", "lora_alpha"}, checkHf,
             [](const ModelConfig& c) { return c.path; }, describeHf});
  });
  return r;
}

TextClassifierPtr makeClassifier(const ModelConfig& c, int64_t vocabSize, int64_t numClasses, int64_t maxLength) {
  return modelRegistry().at(c.type).make(c, vocabSize, numClasses, maxLength);
}

const std::vector<std::string>& languageModelTypes() {
  static const std::vector<std::string> types = {"transformer", "hf"};
  return types;
}

std::string cannotPredictWords(const std::string& type) {
  return "'" + type + "' cannot predict words: next-word training takes transformer (GPT-2-shaped, from scratch) "
         "or hf (a GPT-2-family folder)";
}

std::shared_ptr<HfTransformerImpl> makeLanguageModel(const ModelConfig& c, int64_t vocabSize, int64_t maxLength) {
  if (c.type == "transformer")
    return wordLanguageModel(vocabSize, c.embeddingDim, c.layers > 0 ? c.layers : 2, std::max<int64_t>(maxLength, 2),
                             c.heads, c.ffnDim, c.dropout)
        .ptr();
  if (c.type != "hf") throw InputError("model.type", cannotPredictWords(c.type));
  const auto folder = openFittingFolder(c, vocabSize, maxLength);
  if (!folder.settings.causal())
    throw InputError("model.path", "'" + c.path + "' holds a " + folder.settings.modelType +
                                       " encoder: next-word training needs a GPT-2-family model");
  auto model = loadHfTransformer(folder);
  applyFineTuning(*model, model->body, {}, c.fineTuning);
  return model.ptr();
}

}  // namespace trustlab
