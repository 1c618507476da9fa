// core/tokenizers: Hugging Face's WordLevel tokenizer (a tokenizer.json whose model is WordLevel):
// normalise (lower-case or not), pre-tokenise into words, look each word up whole; a word outside
// the vocabulary is the unknown token. It is how TrustLab saves the word-level language models it
// trains (a distillation's teacher and students): their vocabulary is the corpus's words, split as
// `wordPieces` splits them, so a saved model reads text exactly as it was trained on it.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tokenizers/pretrained_tokenizer.h"

namespace trustlab {

/// The pre-tokenisers of a WordLevel tokenizer.json TrustLab reads (its "pre_tokenizer.type").
enum class WordSplit {
  WhitespaceSplit,   ///< runs of non-whitespace
  BertPreTokenizer,  ///< whitespace splits; every punctuation character is a word of its own
  Whitespace,        ///< \w+|[^\w\s]+: runs of word characters, runs of other non-space characters
};

/// The byte spans [begin, end) of `text`'s words under `split`. Punctuation and word characters
/// are ASCII's; bytes of multi-byte UTF-8 characters count as word characters.
std::vector<std::pair<size_t, size_t>> wordPieces(const std::string& text, WordSplit split);

class WordLevelTokenizer : public PretrainedTokenizer {
 public:
  /// `vocabulary[i]` is the word of id i. InputError naming `source` when it lacks `unknownToken`.
  WordLevelTokenizer(std::vector<std::string> vocabulary, std::string unknownToken, bool lowercase, WordSplit split,
                     const std::string& source);
  /// InputError naming the file and field for a normaliser or pre-tokeniser it does not implement.
  static std::unique_ptr<WordLevelTokenizer> fromTokenizerJson(const std::string& path);
  /// The tokenizer.json of a lower-cased BertPreTokenizer vocabulary (how TrustLab saves a word LM).
  static std::string tokenizerJson(const std::vector<std::string>& vocabulary, const std::string& unknownToken);

  TokenEncoding encode(const std::string& text) const override;
  std::string format() const override { return "word_level"; }
  size_t vocabularySize() const override { return tokens_.size(); }
  long tokenId(const std::string& token) const override;
  long unknownId() const override { return unknown_; }
  /// The words joined by spaces (Hugging Face's default decoder).
  std::string decode(const std::vector<long>& ids) const override;
  const std::vector<std::string>& tokens() const override { return tokens_; }

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, long> ids_;
  bool lowercase_ = true;
  WordSplit split_ = WordSplit::BertPreTokenizer;
  long unknown_ = -1;
};

}  // namespace trustlab
