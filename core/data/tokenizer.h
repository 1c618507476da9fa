// core/data: tokenizers (a registry: how text becomes tokens) and the vocabulary built from
// their tokens. Index 0 is padding, 1 is out-of-vocabulary. With a pretrained tokenizer
// (tokenizers/pretrained_tokenizer.h) the vocabulary is that tokenizer's, ids as the model knows
// them, and each text gets the special tokens its model expects.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/registry.h"
#include "tokenizers/pretrained_tokenizer.h"

namespace trustlab {

/// data.tokenizer of the word-level tokenizer (the default).
inline constexpr char kWordTokenizer[] = "word";
/// data.tokenizer of the BertPreTokenizer split (tokenizers/word_level_tokenizer.h wordPieces).
inline constexpr char kPunctuationTokenizer[] = "punctuation";

struct TokenizerOptions {
  std::string type = kWordTokenizer;  ///< a tokenizerRegistry() name
  bool lowercase = true;
  size_t minFrequency = 1;  ///< rarer training tokens map to <unk>
  size_t maxSize = 30000;   ///< including <pad> and <unk>; most frequent tokens are kept
  size_t maxLength = 32;    ///< longer utterances are truncated, shorter ones padded
  /// A pretrained model's tokenizer (model folder, tokenizer.json, vocab.txt, vocab.json) used in
  /// place of `type`; empty for the built-in tokenizers. (A spec's hf model sets its own folder.)
  std::string pretrained;
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
  /// Token counts of `texts`: every occurrence, or with `maxDistinctPerText` > 0 only each text's
  /// first that many distinct tokens, once each (bounded contributions: privacy/dp_vocabulary.h).
  static std::map<std::string, double> countTokens(const std::vector<std::string>& texts,
                                                   const TokenizerOptions& options, size_t maxDistinctPerText = 0);
  /// The tokens counted ≥ minCount, most frequent first (ties by token), up to options.maxSize entries.
  static Vocabulary fromCounts(const std::map<std::string, double>& counts, const TokenizerOptions& options,
                               double minCount);

  long id(const std::string& token) const;
  /// Adds `token` at the end unless it is already known (e.g. the tokens of a public format).
  void add(const std::string& token);
  const std::string& token(long id) const { return tokens_.at(size_t(id)); }
  size_t size() const { return tokens_.size(); }
  const std::vector<std::string>& tokens() const { return tokens_; }

  /// One token per line; load throws InputError naming the file.
  void save(const std::string& path) const;
  static Vocabulary load(const std::string& path);
  /// A pretrained tokenizer's vocabulary, ids unchanged (no <pad>/<unk> of TrustLab's own).
  static Vocabulary ofPretrained(const std::string& tokenizerPath);

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, long> index_;
};

/// One utterance as a pretrained model sees it (options.pretrained set): its tokenizer's encoding
/// truncated to leave room for the model's special tokens, which are added with empty byte spans
/// at the text's start and end. Never empty (GPT-2's empty text is <|endoftext|>).
TokenEncoding encodePretrainedText(const std::string& text, const TokenizerOptions& options);

/// Token ids of one utterance, truncated to maxLength, never empty (an empty text is one <unk>).
/// A pretrained tokenizer's ids come with the model's special tokens ([CLS] … [SEP], <s> … </s>),
/// which count towards maxLength.
std::vector<long> encodeText(const std::string& text, const Vocabulary& vocab,
                             const TokenizerOptions& options);

}  // namespace trustlab
