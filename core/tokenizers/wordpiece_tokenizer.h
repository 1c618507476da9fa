// core/tokenizers: BERT's WordPiece tokenizer (BERT, DistilBERT): the basic tokenizer (clean the
// text, space out CJK ideographs, lower-case and strip accents for uncased models, split on
// whitespace and punctuation) then greedy longest-match WordPiece with "##" continuations; a word
// longer than 100 characters, or one no pieces cover, is [UNK]. Devlin et al. 2019; Hugging Face's
// BertTokenizer and BertNormalizer are the reference behaviour.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizers/pretrained_tokenizer.h"

namespace trustlab {

struct WordPieceOptions {
  bool lowercase = true;
  bool stripAccents = true;  ///< Hugging Face: follows lowercase unless set
  bool cleanText = true;     ///< drop control characters, every whitespace becomes a space
  bool spaceOutChinese = true;
  std::string unknownToken = "[UNK]";
  std::string continuationPrefix = "##";
  size_t maxCharsPerWord = 100;
  std::vector<std::string> keptWhole;  ///< special tokens matched in the raw text
};

class WordPieceTokenizer : public PretrainedTokenizer {
 public:
  /// `vocabulary[i]` is the token of id i. InputError (naming `source`) when the unknown token is missing.
  WordPieceTokenizer(std::vector<std::string> vocabulary, WordPieceOptions options, const std::string& source);
  /// A folder's vocab.txt (and its tokenizer_config.json's do_lower_case / strip_accents when
  /// present; without one, lower-casing is assumed exactly when the vocabulary has no capitals).
  static std::unique_ptr<WordPieceTokenizer> fromVocabFile(const std::string& vocabPath);
  /// A tokenizer.json whose model is WordPiece (its BertNormalizer's settings, its special tokens).
  static std::unique_ptr<WordPieceTokenizer> fromTokenizerJson(const std::string& path);

  TokenEncoding encode(const std::string& text) const override;
  std::string format() const override { return "wordpiece"; }
  size_t vocabularySize() const override { return tokens_.size(); }
  long tokenId(const std::string& token) const override;
  long unknownId() const override { return unknown_; }
  std::string decode(const std::vector<long>& ids) const override;
  const std::vector<std::string>& tokens() const override { return tokens_; }
  const WordPieceOptions& options() const { return options_; }

 private:
  struct Char {
    char32_t value;
    size_t begin, end;  ///< the original text's bytes it came from
  };
  std::vector<Char> normalize(const std::string& text, size_t begin, size_t end) const;
  void encodeWord(const std::vector<Char>& word, TokenEncoding& out) const;
  void push(TokenEncoding& out, long id, size_t begin, size_t end) const;
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, long> ids_;
  WordPieceOptions options_;
  long unknown_ = -1;
};

}  // namespace trustlab
