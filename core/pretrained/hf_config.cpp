#include "pretrained/hf_config.h"

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <set>
#include <nlohmann/json.hpp>

#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

/// One field of config.json under the first of `names` present (the families name them differently).
class Fields {
 public:
  Fields(const json& root, std::string source) : root_(root), source_(std::move(source)) {}

  long integer(std::initializer_list<const char*> names, std::optional<long> fallback = std::nullopt) const {
    for (const char* n : names)
      if (root_.contains(n) && !root_[n].is_null()) {
        if (!root_[n].is_number_integer() || root_[n].get<long>() < 0) throw InputError(source_, "expected a non-negative integer", 0, n);
        return root_[n].get<long>();
      }
    if (fallback) return *fallback;
    throw InputError(source_, "missing", 0, *names.begin());
  }
  double real(const char* name, double fallback) const {
    if (!root_.contains(name)) return fallback;
    if (!root_[name].is_number() || !(root_[name].get<double>() > 0)) throw InputError(source_, "expected a positive number", 0, name);
    return root_[name].get<double>();
  }
  double probability(std::initializer_list<const char*> names, double fallback) const {
    for (const char* n : names)
      if (root_.contains(n) && !root_[n].is_null()) {
        const double p = root_[n].is_number() ? root_[n].get<double>() : -1;
        if (!(p >= 0 && p < 1)) throw InputError(source_, "expected a probability in [0, 1)", 0, n);
        return p;
      }
    return fallback;
  }
  std::string text(std::initializer_list<const char*> names, const std::string& fallback) const {
    for (const char* n : names)
      if (root_.contains(n) && !root_[n].is_null()) {
        if (!root_[n].is_string()) throw InputError(source_, "expected a string", 0, n);
        return root_[n].get<std::string>();
      }
    return fallback;
  }
  bool flag(const char* name, bool fallback) const {
    if (!root_.contains(name) || root_[name].is_null()) return fallback;
    if (!root_[name].is_boolean()) throw InputError(source_, "expected true or false", 0, name);
    return root_[name].get<bool>();
  }

 private:
  const json& root_;
  std::string source_;
};

}  // namespace

bool isHfBuffer(const std::string& modelType, const std::string& name) {
  if (modelType == "gpt2") return endsWith(name, ".attn.bias") || endsWith(name, ".attn.masked_bias");
  return endsWith(name, "position_ids");
}

WeightMatch matchHfWeights(const std::string& modelType, const std::vector<std::string>& expected,
                           const std::vector<std::string>& available) {
  const std::string prefix = modelType == "gpt2" ? "transformer." : modelType + ".";
  std::set<std::string> left(available.begin(), available.end());
  WeightMatch m;
  for (const auto& name : expected) {
    for (const auto& candidate : {name, prefix + name})
      if (left.count(candidate)) {
        m.source[name] = candidate;
        left.erase(candidate);
        break;
      }
    if (!m.source.count(name)) m.missing.push_back(name);
  }
  for (const auto& name : available)
    if (left.count(name)) m.unused.push_back(name);
  return m;
}

const std::vector<std::string>& supportedHfModelTypes() {
  static const std::vector<std::string> types = {"bert", "distilbert", "roberta", "gpt2"};
  return types;
}

HfConfig HfConfig::fromJson(const std::string& text, const std::string& source) {
  const auto root = json::parse(text, nullptr, false);
  if (!root.is_object()) throw InputError(source, "not a JSON object");
  HfConfig c;
  const Fields f(root, source);
  c.modelType = f.text({"model_type"}, "");
  const auto& types = supportedHfModelTypes();
  if (std::find(types.begin(), types.end(), c.modelType) == types.end())
    throw InputError(source, "model type '" + c.modelType + "' is not one TrustLab builds (" + joinNames(types) + ")", 0,
                     "model_type");
  // BERT/RoBERTa names, DistilBERT's, GPT-2's.
  c.hiddenSize = f.integer({"hidden_size", "dim", "n_embd"});
  c.layers = f.integer({"num_hidden_layers", "n_layers", "n_layer"});
  c.heads = f.integer({"num_attention_heads", "n_heads", "n_head"});
  c.intermediateSize = f.integer({"intermediate_size", "hidden_dim", "n_inner"}, 4 * c.hiddenSize);
  c.activation = f.text({"hidden_act", "activation", "activation_function"}, c.modelType == "gpt2" ? "gelu_new" : "gelu");
  c.layerNormEps = c.modelType == "gpt2" ? f.real("layer_norm_epsilon", 1e-5) : f.real("layer_norm_eps", 1e-12);
  c.maxPositions = f.integer({"max_position_embeddings", "n_positions"});
  c.vocabSize = f.integer({"vocab_size"});
  c.typeVocabSize = c.modelType == "bert" || c.modelType == "roberta" ? f.integer({"type_vocab_size"}, 2) : 0;
  c.padTokenId = f.integer({"pad_token_id"}, c.modelType == "roberta" ? 1 : 0);
  c.tiedEmbeddings = f.flag("tie_word_embeddings", c.modelType == "gpt2");
  c.hiddenDropout = f.probability({"hidden_dropout_prob", "dropout", "resid_pdrop"}, 0.1);
  c.attentionDropout = f.probability({"attention_probs_dropout_prob", "attention_dropout", "attn_pdrop"}, 0.1);
  if (c.hiddenSize == 0 || c.heads == 0 || c.hiddenSize % c.heads != 0)
    throw InputError(source, "the hidden size must be a positive multiple of the number of heads", 0, "num_attention_heads");
  if (c.activation != "gelu" && c.activation != "gelu_new" && c.activation != "relu")
    throw InputError(source, "activation '" + c.activation + "' is not one TrustLab builds (gelu, gelu_new, relu)", 0,
                     "hidden_act");
  return c;
}

HfConfig HfConfig::fromFile(const std::string& path) { return fromJson(readFile(path), path); }

HfModelFolder openHfModelFolder(const std::string& folder) {
  if (!fs::is_directory(folder)) throw InputError(folder, "not a model folder");
  HfModelFolder m;
  m.folder = folder;
  m.config = (fs::path(folder) / "config.json").string();
  if (!fs::is_regular_file(m.config)) throw InputError(folder, "no config.json in the model folder");
  m.settings = HfConfig::fromFile(m.config);
  for (const char* name : {"model.safetensors", "pytorch_model.bin"})
    if (fs::is_regular_file(fs::path(folder) / name)) {
      m.weights = (fs::path(folder) / name).string();
      break;
    }
  if (m.weights.empty()) throw InputError(folder, "no model.safetensors or pytorch_model.bin in the model folder");
  return m;
}

}  // namespace trustlab
