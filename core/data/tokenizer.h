// core/data: tokenizers (a registry: how text becomes tokens) and the vocabulary built from
// their tokens. Index 0 is padding, 1 is out-of-vocabulary.
#pragma once
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/registry.h"

namespace trustlab {

/// data.tokenizer of the word-level tokenizer (the default).
inline constexpr char kWordTokenizer[] = "word";

struct TokenizerOptions {
  std::string type = kWordTokenizer;  ///< a tokenizerRegistry() name
  bool lowercase = true;
  size_t minFrequency = 1;  ///< rarer training tokens map to <unk>
  size_t maxSize = 30000;   ///< including <pad> and <unk>; most frequent tokens are kept
  size_t maxLength = 32;    ///< longer utterances are truncated, shorter ones padded
};

/// Splits on whitespace and makes each punctuation mark its own token ("it's" stays one word).
std::vector<std::string> tokenize(const std::string& text, bool lowercase);

struct Tokenizer {
  std::function<std::vector<std::string>(const std::string& text, bool lowercase)> split;
};
/// word (whitespace and punctuation), whitespace (whitespace only: pre-tokenized text), char
/// (Unicode code points, "▁" between words) and any added by plugins.
Registry<Tokenizer>& tokenizerRegistry();

/// The tokens of `text` under the tokenizer options.type names.
std::vector<std::string> tokenize(const std::string& text, const TokenizerOptions& options);

class Vocabulary {
 public:
  static constexpr long kPad = 0;
  static constexpr long kUnk = 1;

  Vocabulary();
  /// Counts tokens of `texts`, keeps those seen ≥ minFrequency, most frequent first (ties by
  /// token, so the result is deterministic), up to maxSize entries.
  static Vocabulary build(const std::vector<std::string>& texts, const TokenizerOptions& options);

  long id(const std::string& token) const;
  /// Adds `token` at the end unless it is already known (e.g. the tokens of a public format).
  void add(const std::string& token);
  const std::string& token(long id) const { return tokens_.at(size_t(id)); }
  size_t size() const { return tokens_.size(); }
  const std::vector<std::string>& tokens() const { return tokens_; }

  /// One token per line; load throws InputError naming the file.
  void save(const std::string& path) const;
  static Vocabulary load(const std::string& path);

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, long> index_;
};

/// Token ids of one utterance, truncated to maxLength, never empty (an empty text is one <unk>).
std::vector<long> encodeText(const std::string& text, const Vocabulary& vocab,
                             const TokenizerOptions& options);

}  // namespace trustlab
