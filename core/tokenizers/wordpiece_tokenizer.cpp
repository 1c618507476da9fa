#include "tokenizers/wordpiece_tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tokenizers/tokenizer_json.h"
#include "tokenizers/unicode.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

/// BERT's whitespace: space, tab, newline, carriage return and the space separators (Zs).
bool isBertWhitespace(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || isSpaceSeparator(c); }

/// BERT's control characters: Cc and Cf, but not the tab, newline and carriage return it counts as whitespace.
bool isBertControl(char32_t c) { return c != '\t' && c != '\n' && c != '\r' && isControlOrFormat(c); }

/// BERT's punctuation: every non-alphanumeric ASCII printable character ($, ^, ` too) and \p{P}.
bool isBertPunctuation(char32_t c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126) || isPunctuation(c);
}

/// The CJK Unified Ideographs blocks BERT spaces out (not Hiragana, Katakana or Hangul).
bool isChineseCharacter(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

/// The special tokens of a BERT vocabulary that are in it, kept whole as Hugging Face's BertTokenizer does.
std::vector<std::string> bertSpecials(const std::vector<std::string>& vocabulary) {
  std::vector<std::string> out;
  for (const char* t : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"})
    if (std::find(vocabulary.begin(), vocabulary.end(), t) != vocabulary.end()) out.push_back(t);
  return out;
}

/// Whether an uncased model wrote the vocabulary: no capital letters outside [SPECIAL] tokens.
bool looksUncased(const std::vector<std::string>& vocabulary) {
  for (const auto& t : vocabulary) {
    if (t.size() > 2 && t.front() == '[' && t.back() == ']') continue;
    for (char c : t)
      if (c >= 'A' && c <= 'Z') return false;
  }
  return true;
}

}  // namespace

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> vocabulary, WordPieceOptions options,
                                       const std::string& source)
    : tokens_(std::move(vocabulary)), options_(std::move(options)) {
  for (size_t i = 0; i < tokens_.size(); ++i) ids_.emplace(tokens_[i], long(i));  // the first of duplicates wins
  unknown_ = tokenId(options_.unknownToken);
  if (unknown_ < 0) throw InputError(source, "the vocabulary has no unknown token '" + options_.unknownToken + "'");
  for (const auto& t : options_.keptWhole)
    if (tokenId(t) < 0) throw InputError(source, "the special token '" + t + "' is not in the vocabulary");
}

std::unique_ptr<WordPieceTokenizer> WordPieceTokenizer::fromVocabFile(const std::string& vocabPath) {
  auto vocabulary = readLines(vocabPath);
  while (!vocabulary.empty() && vocabulary.back().empty()) vocabulary.pop_back();
  if (vocabulary.empty()) throw InputError(vocabPath, "the vocabulary is empty");
  WordPieceOptions o;
  o.lowercase = looksUncased(vocabulary);
  const fs::path config = fs::path(vocabPath).parent_path() / "tokenizer_config.json";
  if (fs::exists(config)) {
    const auto c = json::parse(readFile(config.string()), nullptr, false);
    if (!c.is_object()) throw InputError(config.string(), "not a JSON object");
    if (c.contains("do_lower_case")) {
      if (!c["do_lower_case"].is_boolean()) throw InputError(config.string(), "expected true or false", 0, "do_lower_case");
      o.lowercase = c["do_lower_case"].get<bool>();
    }
    if (c.contains("tokenize_chinese_chars") && c["tokenize_chinese_chars"].is_boolean())
      o.spaceOutChinese = c["tokenize_chinese_chars"].get<bool>();
    o.stripAccents = c.contains("strip_accents") && c["strip_accents"].is_boolean() ? c["strip_accents"].get<bool>() : o.lowercase;
  } else {
    o.stripAccents = o.lowercase;
  }
  o.keptWhole = bertSpecials(vocabulary);
  return std::make_unique<WordPieceTokenizer>(std::move(vocabulary), std::move(o), vocabPath);
}

std::unique_ptr<WordPieceTokenizer> WordPieceTokenizer::fromTokenizerJson(const std::string& path) {
  const json root = readTokenizerJson(path, "WordPiece");
  const json& model = root["model"];
  auto vocabulary = vocabularyById(model, path);
  WordPieceOptions o;
  o.unknownToken = model.value("unk_token", o.unknownToken);
  o.continuationPrefix = model.value("continuing_subword_prefix", o.continuationPrefix);
  o.maxCharsPerWord = model.value("max_input_chars_per_word", o.maxCharsPerWord);
  const json normalizer = root.value("normalizer", json());
  if (!normalizer.is_null()) {
    if (normalizer.value("type", std::string()) != "BertNormalizer")
      throw InputError(path, "only BertNormalizer is supported for WordPiece", 0, "normalizer.type");
    o.lowercase = normalizer.value("lowercase", true);
    o.cleanText = normalizer.value("clean_text", true);
    o.spaceOutChinese = normalizer.value("handle_chinese_chars", true);
    o.stripAccents = normalizer.contains("strip_accents") && normalizer["strip_accents"].is_boolean()
                         ? normalizer["strip_accents"].get<bool>()
                         : o.lowercase;
  } else {
    o.lowercase = o.stripAccents = o.cleanText = o.spaceOutChinese = false;
  }
  o.keptWhole = specialTokens(root);
  return std::make_unique<WordPieceTokenizer>(std::move(vocabulary), std::move(o), path);
}

long WordPieceTokenizer::tokenId(const std::string& token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
}

std::string WordPieceTokenizer::decode(const std::vector<long>& ids) const {
  // Hugging Face's WordPiece decoder: tokens joined by spaces, continuations glued to the previous one.
  std::string text;
  const auto& prefix = options_.continuationPrefix;
  for (const long id : ids) {
    if (id < 0 || size_t(id) >= tokens_.size()) throw InputError("id " + std::to_string(id), "is not in the tokenizer's vocabulary");
    const auto& token = tokens_[size_t(id)];
    if (!text.empty() && token.compare(0, prefix.size(), prefix) == 0) text += token.substr(prefix.size());
    else text += (text.empty() ? "" : " ") + token;
  }
  return text;
}

void WordPieceTokenizer::push(TokenEncoding& out, long id, size_t begin, size_t end) const {
  out.ids.push_back(id);
  out.tokens.push_back(tokens_[size_t(id)]);
  out.offsets.emplace_back(begin, end);
}

/// BertNormalizer: clean, space out ideographs, lower-case then strip accents (NFD, drop Mn), as
/// BasicTokenizer orders them; each character keeps the bytes of the one it came from.
std::vector<WordPieceTokenizer::Char> WordPieceTokenizer::normalize(const std::string& text, size_t begin,
                                                                    size_t end) const {
  std::vector<Char> out;
  std::u32string lower, decomposed;
  for (const auto& cp : decodeUtf8(text.substr(begin, end - begin))) {
    const size_t b = begin + cp.begin, e = begin + cp.end;
    char32_t c = cp.value;
    if (options_.cleanText) {
      if (c == 0 || c == 0xFFFD || isBertControl(c)) continue;
      if (isBertWhitespace(c)) c = ' ';
    }
    if (options_.spaceOutChinese && isChineseCharacter(c)) {
      out.push_back({' ', b, e});
      out.push_back({c, b, e});
      out.push_back({' ', b, e});
      continue;
    }
    lower.clear();
    if (options_.lowercase) appendLowerCase(c, lower);
    else lower += c;
    for (char32_t l : lower) {
      decomposed.clear();
      if (options_.stripAccents) appendDecomposition(l, decomposed);
      else decomposed += l;
      for (char32_t d : decomposed)
        if (!options_.stripAccents || !isNonspacingMark(d)) out.push_back({d, b, e});
    }
  }
  return out;
}

TokenEncoding WordPieceTokenizer::encode(const std::string& text) const {
  TokenEncoding out;
  splitAtSpecialTokens(
      text, options_.keptWhole,
      [&](size_t begin, size_t end) {
        // Words: split on whitespace, and every punctuation character is a word of its own.
        std::vector<Char> word;
        const auto flush = [&] {
          if (!word.empty()) encodeWord(word, out);
          word.clear();
        };
        for (const auto& c : normalize(text, begin, end)) {
          if (isBertWhitespace(c.value)) {
            flush();
          } else if (isBertPunctuation(c.value)) {
            flush();
            word.push_back(c);
            flush();
          } else {
            word.push_back(c);
          }
        }
        flush();
      },
      [&](const std::string& token, size_t begin) { push(out, tokenId(token), begin, begin + token.size()); });
  return out;
}

/// Greedy longest-match-first: the longest vocabulary entry at the start, then the longest "##"
/// continuation after it, …; a word no pieces cover, or longer than the limit, is one [UNK].
void WordPieceTokenizer::encodeWord(const std::vector<Char>& word, TokenEncoding& out) const {
  if (word.size() > options_.maxCharsPerWord) {
    push(out, unknown_, word.front().begin, word.back().end);
    return;
  }
  std::string utf8;
  std::vector<size_t> at{0};  // byte position in utf8 of each character boundary
  for (const auto& c : word) {
    appendUtf8(utf8, c.value);
    at.push_back(utf8.size());
  }
  TokenEncoding pieces;
  for (size_t start = 0; start < word.size();) {
    long id = -1;
    size_t end = word.size();
    for (; end > start; --end) {
      const std::string piece = (start > 0 ? options_.continuationPrefix : "") + utf8.substr(at[start], at[end] - at[start]);
      if ((id = tokenId(piece)) >= 0) break;
    }
    if (id < 0) {
      push(out, unknown_, word.front().begin, word.back().end);
      return;
    }
    push(pieces, id, word[start].begin, word[end - 1].end);
    start = end;
  }
  out.ids.insert(out.ids.end(), pieces.ids.begin(), pieces.ids.end());
  out.tokens.insert(out.tokens.end(), pieces.tokens.begin(), pieces.tokens.end());
  out.offsets.insert(out.offsets.end(), pieces.offsets.begin(), pieces.offsets.end());
}

}  // namespace trustlab
