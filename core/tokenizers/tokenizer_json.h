// core/tokenizers (internal): what the tokenizer.json readers share.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

/// The model type of a tokenizer.json's "model" ("WordPiece", "BPE", …). Files written by early
/// versions of Hugging Face's tokenizers have no "type": a model with merges is BPE, one with a
/// continuing-subword prefix and no merges is WordPiece.
inline std::string tokenizerModelType(const nlohmann::json& model) {
  if (model.contains("type") && model["type"].is_string()) return model["type"].get<std::string>();
  if (model.contains("merges")) return "BPE";
  if (model.contains("continuing_subword_prefix") || model.contains("max_input_chars_per_word")) return "WordPiece";
  return {};
}

/// A tokenizer.json's root; InputError naming the file when it has no "model" object, or (when
/// `type` is given) when the model is not of that type.
inline nlohmann::json readTokenizerJson(const std::string& path, const std::string& type = {}) {
  auto root = nlohmann::json::parse(readFile(path), nullptr, false);
  if (!root.is_object() || !root.contains("model") || !root["model"].is_object())
    throw InputError(path, "not a tokenizer.json (no model object)");
  if (!type.empty() && tokenizerModelType(root["model"]) != type)
    throw InputError(path, "the model is not " + type, 0, "model.type");
  return root;
}

/// The model's "vocab" object ({token: id}) as tokens by id; InputError naming the file and the
/// token when the ids do not run from 0 to the vocabulary's size − 1.
inline std::vector<std::string> vocabularyById(const nlohmann::json& model, const std::string& path) {
  if (!model.contains("vocab") || !model["vocab"].is_object()) throw InputError(path, "expected an object of token ids", 0, "model.vocab");
  std::vector<std::string> vocabulary(model["vocab"].size());
  for (const auto& [token, id] : model["vocab"].items()) {
    if (!id.is_number_integer() || id.get<long long>() < 0 || size_t(id.get<long long>()) >= vocabulary.size())
      throw InputError(path, "ids must run from 0 to the vocabulary's size − 1", 0, "model.vocab." + token);
    vocabulary[size_t(id.get<long long>())] = token;
  }
  return vocabulary;
}

/// The contents of its added tokens marked special: kept whole when they occur in a text.
inline std::vector<std::string> specialTokens(const nlohmann::json& root) {
  std::vector<std::string> out;
  for (const auto& added : root.value("added_tokens", nlohmann::json::array()))
    if (added.value("special", false) && added.contains("content") && added["content"].is_string())
      out.push_back(added["content"].get<std::string>());
  return out;
}

}  // namespace trustlab
