// core/fairness: the corpus a role-reversal distillation trains its language models on, in the
// tokens of its teacher: the corpus's own words (a teacher TrustLab trains from scratch) or a
// pretrained GPT-2-family tokenizer (byte-level BPE). Every token has a surface text — the word,
// or the text a BPE token stands for (" he": GPT-2 folds the space before a word into it) — and
// the gender swap is read off those surfaces, so one swap serves both.
#pragma once
#include <torch/types.h>

#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/tokenizer.h"
#include "fairness/counterfactual.h"

namespace trustlab {

class LmVocabulary {
 public:
  /// The words of `sentences` (lower-cased, split at whitespace and punctuation as Hugging Face's
  /// BertPreTokenizer splits them, so that a saved model's WordLevel tokenizer reads text as it
  /// was trained on it), the `maxSize` most frequent (<pad> and <unk> included), and <s>, </s>.
  static LmVocabulary ofWords(const std::vector<std::string>& sentences, size_t maxSize);
  /// A pretrained tokenizer whose `boundary` token (GPT-2's <|endoftext|>) starts and ends every
  /// sentence. InputError when its vocabulary lacks that token.
  static LmVocabulary ofTokenizer(std::shared_ptr<const PretrainedTokenizer> tokenizer,
                                  const std::string& boundary = "<|endoftext|>");

  long size() const { return long(surfaces_.size()); }
  long start() const { return start_; }
  long end() const { return end_; }
  /// What fills a row past its length (never read: rows carry their lengths).
  long padding() const { return padding_; }
  /// The start token and the tokens of `text` (a prompt; a sentence adds end()).
  std::vector<long> encode(const std::string& text) const;
  /// The text of generated ids (words joined by spaces, or the BPE tokens' bytes).
  std::string decode(const std::vector<long>& ids) const;
  /// The id of `word` as the next word after a prompt (" she" for GPT-2, "she" for words); for a
  /// word the tokenizer splits, its first token. -1 when the vocabulary has none.
  long wordId(const std::string& word) const;
  /// The id whose surface is exactly `surface`, or -1.
  long surfaceId(const std::string& surface) const;
  const std::vector<std::string>& surfaces() const { return surfaces_; }
  /// Ids a generation never emits (a word vocabulary's padding and unknown token).
  std::vector<long> banned() const;
  /// "words" or the tokenizer's format ("byte_bpe").
  std::string kind() const;

 private:
  Vocabulary words_;
  std::shared_ptr<const PretrainedTokenizer> tokenizer_;
  std::vector<std::string> surfaces_;
  std::unordered_map<std::string, long> bySurface_;
  std::string wordPrefix_;  ///< what a word after another word starts with (" " for GPT-2)
  long start_ = 0, end_ = 0, padding_ = 0;
};

/// The swap on a vocabulary: σ(t) for every token whose surface has a mutual partner, spelled in
/// the same case after the same spacing (identity otherwise), and the her/his/him triples (one per
/// spelling: "her", " Her", …) whose three-way swap is not a permutation. Built once per vocabulary.
struct VocabularySwap {
  torch::Tensor sigma;  ///< [V] int64
  std::vector<std::array<long, 3>> herHisHim;  ///< ids; −1 where a spelling is missing
  /// Whether token `id` is one the swap changes (σ or a triple).
  std::vector<bool> swaps;
};
VocabularySwap vocabularySwap(const LmVocabulary& vocabulary, const GenderSwapper& swapper);

/// Right-padded token rows and their lengths.
struct LmRows {
  torch::Tensor ids;      ///< [N, T] int64
  torch::Tensor lengths;  ///< [N] int64
  long size() const { return ids.size(0); }
  /// The rows at `index`, cut to the longest of them.
  LmRows select(const torch::Tensor& index) const;
  LmRows to(const torch::Device& device) const { return {ids.to(device), lengths.to(device)}; }
};

/// Sentences as start w1 … wn end rows, a seeded train/valid split, and each training sentence's
/// gender-swapped twin.
struct LmCorpus {
  LmVocabulary vocabulary;
  LmRows train, valid;
  LmRows trainSwapped;   ///< each train row's gender-swapped sentence (CDA's added data)
  /// [N] bool: the twin lines up with its row token for token (same length, differing only at
  /// swapped tokens), so the teacher's distributions on it can be read through the swap position
  /// by position. A subword swap that changes the token count ("he" → "she" never does in GPT-2;
  /// some names do) leaves its row unperturbed.
  torch::Tensor twinAligned;
  VocabularySwap swap;
};

struct LmCorpusOptions {
  /// A pretrained tokenizer (model folder or tokenizer file); empty: the corpus's own words.
  std::string tokenizer;
  long maxLength = 48;  ///< tokens per sentence, start and end included
  size_t maxVocabulary = TokenizerOptions{}.maxSize;  ///< the corpus's own words: the most frequent kept, the rest <unk>
  double validFraction = 0.1;
  uint64_t seed = 1;
};
LmCorpus buildLmCorpus(const std::vector<std::string>& sentences, const GenderSwapper& swapper,
                       const LmCorpusOptions& options = {});

}  // namespace trustlab
