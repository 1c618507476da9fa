// core/tokenizers: GPT-2's byte-level BPE (GPT-2, DistilGPT-2, RoBERTa): the text is cut into
// pre-tokens by GPT-2's pattern ('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|
// \s+(?!\S)|\s+), each pre-token's bytes become printable characters (the byte↔unicode map) and
// merges are applied by rank. Radford et al. 2019; OpenAI's encoder.py and Hugging Face's
// ByteLevel pre-tokenizer are the reference behaviour. Offsets are trimmed of the leading space
// a token carries (Hugging Face's trim_offsets).
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizers/pretrained_tokenizer.h"

namespace trustlab {

class ByteBpeTokenizer : public PretrainedTokenizer {
 public:
  /// `vocabulary`: token → id; `merges` in rank order. `source` names the files in errors.
  ByteBpeTokenizer(std::unordered_map<std::string, long> vocabulary,
                   std::vector<std::pair<std::string, std::string>> merges, std::vector<std::string> keptWhole,
                   bool addPrefixSpace, const std::string& source);
  /// vocab.json + merges.txt (or GPT-2's encoder.json + vocab.bpe): `vocabPath` names the first.
  static std::unique_ptr<ByteBpeTokenizer> fromFiles(const std::string& vocabPath, const std::string& mergesPath);
  /// A tokenizer.json whose model is BPE with the ByteLevel pre-tokenizer.
  static std::unique_ptr<ByteBpeTokenizer> fromTokenizerJson(const std::string& path);

  TokenEncoding encode(const std::string& text) const override;
  std::string format() const override { return "byte_bpe"; }
  size_t vocabularySize() const override { return ids_.size(); }
  long tokenId(const std::string& token) const override;
  std::string decode(const std::vector<long>& ids) const override;
  const std::vector<std::string>& tokens() const override { return tokens_; }

 private:
  /// The BPE symbols of one pre-token's mapped bytes, each with its byte count; cached.
  std::vector<std::pair<std::string, size_t>> merge(const std::string& bytes) const;
  void encodePiece(const std::string& text, size_t begin, size_t end, TokenEncoding& out) const;
  std::unordered_map<std::string, long> ids_;
  std::vector<std::string> tokens_;  ///< id → token
  std::unordered_map<std::string, size_t> ranks_;  ///< "left right" → rank
  std::vector<std::string> keptWhole_;
  bool addPrefixSpace_ = false;
  mutable std::mutex cacheMutex_;
  mutable std::unordered_map<std::string, std::vector<std::pair<std::string, size_t>>> cache_;
};

/// The pre-tokens of `text` by GPT-2's pattern, as byte ranges [begin, end).
std::vector<std::pair<size_t, size_t>> gpt2PreTokens(const std::string& text);

}  // namespace trustlab
