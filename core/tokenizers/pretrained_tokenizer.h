// core/tokenizers: the tokenizers of pretrained models, read from the files a Hugging Face model
// folder holds: BERT's WordPiece (vocab.txt) and GPT-2's byte-level BPE (vocab.json + merges.txt,
// or GPT-2's own encoder.json + vocab.bpe), or either from a tokenizer.json. A registry of formats:
// each says whether a path is one of its own and loads it. Encodings carry each token's byte span
// in the original text, so that a view can highlight the words behind the tokens.
// (The word-level tokenizers of the built-in models are core/data/tokenizer.h.)
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/registry.h"

namespace trustlab {

struct TokenEncoding {
  std::vector<long> ids;
  std::vector<std::string> tokens;                    ///< as the vocabulary spells them
  std::vector<std::pair<size_t, size_t>> offsets;     ///< bytes [begin, end) of the text
};

class PretrainedTokenizer {
 public:
  virtual ~PretrainedTokenizer() = default;
  /// `text` as the model's tokens, without special tokens (Hugging Face's
  /// encode(text, add_special_tokens=False)).
  virtual TokenEncoding encode(const std::string& text) const = 0;
  /// The registry name of its format ("wordpiece", "byte_bpe").
  virtual std::string format() const = 0;
  virtual size_t vocabularySize() const = 0;
  /// The id of `token`, or -1 when the vocabulary lacks it.
  virtual long tokenId(const std::string& token) const = 0;
  /// The id a word outside the vocabulary becomes ([UNK]); -1 when every text has tokens
  /// (byte-level BPE).
  virtual long unknownId() const { return -1; }
  /// The text of `ids` (a generation's continuation). InputError naming an id outside the vocabulary.
  virtual std::string decode(const std::vector<long>& ids) const = 0;
  /// Every token by id (an id no token has is "").
  virtual const std::vector<std::string>& tokens() const = 0;
};

struct PretrainedTokenizerFormat {
  /// The model type a tokenizer.json of this format declares ("WordPiece", "BPE").
  std::string tokenizerJsonModel;
  /// Whether `path` (a model folder or a file) holds this format's own files (not tokenizer.json).
  std::function<bool(const std::string& path)> recognises;
  /// Reads them; throws InputError naming the file and what is wrong.
  std::function<std::unique_ptr<PretrainedTokenizer>(const std::string& path)> load;
  /// Reads a tokenizer.json of this format.
  std::function<std::unique_ptr<PretrainedTokenizer>(const std::string& tokenizerJson)> fromTokenizerJson;
};
/// Walks `text` in order: `plain(begin, end)` for each stretch between occurrences of the
/// `specials` (kept whole, as Hugging Face keeps added special tokens; the longest wins where two
/// start at one place), `special(token, begin)` for each occurrence.
void splitAtSpecialTokens(const std::string& text, const std::vector<std::string>& specials,
                          const std::function<void(size_t begin, size_t end)>& plain,
                          const std::function<void(const std::string& token, size_t begin)>& special);

/// The special tokens a model of `modelType` expects around one sequence, as Hugging Face's
/// encode(text) adds them: [CLS] … [SEP] (bert, distilbert), <s> … </s> (roberta), none (gpt2).
/// InputError naming the token when the vocabulary lacks it.
struct SpecialTokens {
  std::vector<long> before, after;
};
SpecialTokens specialTokensOf(const PretrainedTokenizer& tokenizer, const std::string& modelType);

/// `ids` with those special tokens around them.
std::vector<long> withSpecialTokens(const PretrainedTokenizer& tokenizer, const std::string& modelType,
                                    const std::vector<long>& ids);

/// The tokenizer at `path`, loaded once per process and shared (tokenizers are immutable and
/// thread-safe to encode with).
std::shared_ptr<const PretrainedTokenizer> sharedPretrainedTokenizer(const std::string& path);

/// wordpiece, byte_bpe and any added by plugins.
Registry<PretrainedTokenizerFormat>& pretrainedTokenizerRegistry();

/// The tokenizer at `path`: a model folder, a tokenizer.json, a vocab.txt, a vocab.json or
/// encoder.json (its merges beside it). A tokenizer.json (read first, as Hugging Face does) says
/// its own format; otherwise the first format that recognises the path. InputError naming the path when none does.
std::unique_ptr<PretrainedTokenizer> loadPretrainedTokenizer(const std::string& path);

}  // namespace trustlab
