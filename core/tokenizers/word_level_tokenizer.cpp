#include "tokenizers/word_level_tokenizer.h"

#include <cctype>

#include "tokenizers/tokenizer_json.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

using json = nlohmann::json;

bool isSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool isPunctuation(unsigned char c) { return c < 0x80 && std::ispunct(c); }
bool isWordChar(unsigned char c) { return c >= 0x80 || std::isalnum(c) || c == '_'; }

/// The pre-tokeniser a tokenizer.json names (the names are Hugging Face's).
WordSplit splitNamed(const json& preTokenizer, const std::string& path) {
  const std::string type = preTokenizer.is_object() ? preTokenizer.value("type", std::string()) : "";
  if (type == "WhitespaceSplit") return WordSplit::WhitespaceSplit;
  if (type == "BertPreTokenizer") return WordSplit::BertPreTokenizer;
  if (type == "Whitespace") return WordSplit::Whitespace;
  throw InputError(path, "WordLevel needs a WhitespaceSplit, BertPreTokenizer or Whitespace pre-tokenizer, not '" + type + "'",
                   0, "pre_tokenizer.type");
}

/// Whether the normaliser lower-cases: none, or Lowercase.
bool lowercases(const json& normalizer, const std::string& path) {
  if (normalizer.is_null()) return false;
  if (normalizer.is_object() && normalizer.value("type", std::string()) == "Lowercase") return true;
  throw InputError(path, "WordLevel supports no normalizer or Lowercase", 0, "normalizer.type");
}

}  // namespace

std::vector<std::pair<size_t, size_t>> wordPieces(const std::string& text, WordSplit split) {
  std::vector<std::pair<size_t, size_t>> out;
  // The class of a byte: 0 space, 1 word character, 2 other (punctuation, symbols).
  const auto kind = [&](unsigned char c) { return isSpace(c) ? 0 : split == WordSplit::WhitespaceSplit || isWordChar(c) ? 1 : 2; };
  size_t i = 0;
  while (i < text.size()) {
    const int k = kind(static_cast<unsigned char>(text[i]));
    if (k == 0) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    const bool alone = split == WordSplit::BertPreTokenizer && isPunctuation(static_cast<unsigned char>(text[i]));
    if (!alone)
      while (end < text.size() && kind(static_cast<unsigned char>(text[end])) == k &&
             !(split == WordSplit::BertPreTokenizer && isPunctuation(static_cast<unsigned char>(text[end]))))
        ++end;
    out.emplace_back(i, end);
    i = end;
  }
  return out;
}

WordLevelTokenizer::WordLevelTokenizer(std::vector<std::string> vocabulary, std::string unknownToken, bool lowercase,
                                       WordSplit split, const std::string& source)
    : tokens_(std::move(vocabulary)), lowercase_(lowercase), split_(split) {
  for (size_t i = 0; i < tokens_.size(); ++i) ids_.emplace(tokens_[i], long(i));
  unknown_ = tokenId(unknownToken);
  if (unknown_ < 0) throw InputError(source, "the vocabulary lacks the unknown token '" + unknownToken + "'", 0, "model.unk_token");
}

std::unique_ptr<WordLevelTokenizer> WordLevelTokenizer::fromTokenizerJson(const std::string& path) {
  const json root = readTokenizerJson(path, "WordLevel");
  const json& model = root["model"];
  return std::make_unique<WordLevelTokenizer>(vocabularyById(model, path), model.value("unk_token", std::string("<unk>")),
                                              lowercases(root.value("normalizer", json()), path),
                                              splitNamed(root.value("pre_tokenizer", json()), path), path);
}

std::string WordLevelTokenizer::tokenizerJson(const std::vector<std::string>& vocabulary, const std::string& unknownToken) {
  json vocab = json::object();
  for (size_t i = 0; i < vocabulary.size(); ++i) vocab[vocabulary[i]] = i;
  return json{{"version", "1.0"},
              {"truncation", nullptr},
              {"padding", nullptr},
              {"added_tokens", json::array()},
              {"normalizer", {{"type", "Lowercase"}}},
              {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
              {"post_processor", nullptr},
              {"decoder", nullptr},
              {"model", {{"type", "WordLevel"}, {"vocab", vocab}, {"unk_token", unknownToken}}}}
      .dump(1);
}

TokenEncoding WordLevelTokenizer::encode(const std::string& text) const {
  // ASCII lower-casing keeps every byte where it was, so spans in the normalised text are the original's.
  const std::string normalized = lowercase_ ? toLowerAscii(text) : text;
  TokenEncoding out;
  for (const auto& [begin, end] : wordPieces(normalized, split_)) {
    const long id = tokenId(normalized.substr(begin, end - begin));
    out.ids.push_back(id < 0 ? unknown_ : id);
    out.tokens.push_back(tokens_[size_t(out.ids.back())]);
    out.offsets.emplace_back(begin, end);
  }
  return out;
}

long WordLevelTokenizer::tokenId(const std::string& token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
}

std::string WordLevelTokenizer::decode(const std::vector<long>& ids) const {
  std::string text;
  for (const long id : ids) {
    if (id < 0 || size_t(id) >= tokens_.size())
      throw InputError("decode", "token id " + std::to_string(id) + " is outside the vocabulary (" +
                                     std::to_string(tokens_.size()) + " tokens)");
    text += (text.empty() ? "" : " ") + tokens_[size_t(id)];
  }
  return text;
}

}  // namespace trustlab
