// core/pretrained: a Hugging Face model folder's config.json for the architectures TrustLab builds
// (bert, distilbert, roberta, gpt2), read into one description with the names of each family
// (BERT's hidden_size is GPT-2's n_embd and DistilBERT's dim), and what a folder holds: config,
// weight file, tokenizer files.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace trustlab {

struct HfConfig {
  std::string modelType;  ///< bert | distilbert | roberta | gpt2
  long hiddenSize = 0, layers = 0, heads = 0, intermediateSize = 0;
  std::string activation;  ///< gelu, gelu_new (tanh approximation), relu
  double layerNormEps = 1e-12;
  long maxPositions = 0, vocabSize = 0, typeVocabSize = 0;
  long padTokenId = -1;
  bool tiedEmbeddings = false;  ///< the LM head shares the token embedding (GPT-2)
  double hiddenDropout = 0.1, attentionDropout = 0.1;  ///< in training only
  bool causal() const { return modelType == "gpt2"; }
  /// RoBERTa numbers positions from padding_idx + 1.
  long positionOffset() const { return modelType == "roberta" ? padTokenId + 1 : 0; }

  /// config.json's text; InputError naming `source` and the field that is missing or wrong, or
  /// the model type when TrustLab does not build it.
  static HfConfig fromJson(const std::string& text, const std::string& source);
  static HfConfig fromFile(const std::string& path);
};

/// Whether tensor `name` of a checkpoint of `modelType` is a buffer Hugging Face saves beside the
/// weights (GPT-2's causal-mask attn.bias and attn.masked_bias, BERT's position_ids), not a parameter.
bool isHfBuffer(const std::string& modelType, const std::string& name);

/// How a checkpoint's tensors meet the names a model expects (Hugging Face's loading report).
struct WeightMatch {
  std::map<std::string, std::string> source;  ///< expected name → the checkpoint's name for it
  std::vector<std::string> missing;           ///< expected, not in the checkpoint
  std::vector<std::string> unused;            ///< in the checkpoint, not expected (pre-training heads, buffers)
};
/// Hub files name the base model's tensors bare ("embeddings.word_embeddings.weight") or under the
/// architecture's prefix ("bert.", "distilbert.", "roberta.", GPT2LMHeadModel's "transformer."):
/// an expected name matches either, the bare one first. Heads ("classifier.weight") match as named.
WeightMatch matchHfWeights(const std::string& modelType, const std::vector<std::string>& expected,
                           const std::vector<std::string>& available);

/// The model types TrustLab builds, for messages and help.
const std::vector<std::string>& supportedHfModelTypes();

/// What a model folder holds.
struct HfModelFolder {
  std::string folder, config, weights;  ///< weights: model.safetensors, else pytorch_model.bin
  HfConfig settings;
};
/// Reads `folder`'s config.json and finds its weights; InputError naming the folder when either is missing.
HfModelFolder openHfModelFolder(const std::string& folder);

}  // namespace trustlab
