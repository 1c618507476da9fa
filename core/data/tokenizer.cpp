#include "data/tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "pretrained/hf_config.h"
#include "tokenizers/pretrained_tokenizer.h"
#include "tokenizers/word_level_tokenizer.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

std::vector<std::string> tokenize(const std::string& input, bool lowercase) {
  const std::string text = lowercase ? toLowerAscii(input) : input;
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      flush();
    } else if (c < 0x80 && std::ispunct(c) && !(c == '\'' && !cur.empty() && i + 1 < text.size() &&
                                                 std::isalnum(static_cast<unsigned char>(text[i + 1])))) {
      flush();
      out.emplace_back(1, char(c));
    } else {
      cur.push_back(char(c));
    }
  }
  flush();
  return out;
}

namespace {

bool isSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::vector<std::string> splitOnWhitespace(const std::string& input, bool lowercase) {
  const std::string text = lowercase ? toLowerAscii(input) : input;
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && isSpace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !isSpace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::vector<std::string> splitAtPunctuation(const std::string& input, bool lowercase) {
  const std::string text = lowercase ? toLowerAscii(input) : input;
  std::vector<std::string> out;
  for (const auto& [begin, end] : wordPieces(text, WordSplit::BertPreTokenizer)) out.push_back(text.substr(begin, end - begin));
  return out;
}

/// One token per UTF-8 code point; a run of whitespace between words is one "▁" (SentencePiece's
/// word-boundary mark), so word boundaries stay visible to the model.
std::vector<std::string> splitCharacters(const std::string& input, bool lowercase) {
  std::vector<std::string> out;
  for (const auto& word : splitOnWhitespace(input, lowercase)) {
    if (!out.empty()) out.push_back("\u2581");
    for (size_t i = 0; i < word.size();) {
      size_t n = 1;  // continuation bytes are 10xxxxxx
      while (i + n < word.size() && (static_cast<unsigned char>(word[i + n]) & 0xC0) == 0x80) ++n;
      out.push_back(word.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace

Registry<Tokenizer>& tokenizerRegistry() {
  static Registry<Tokenizer> r("tokenizer", "data.tokenizer", [](auto& reg) {
    reg.add({kWordTokenizer, "words, with each punctuation mark its own token (\"it's\" stays one word)"},
            {[](const std::string& t, bool lower) { return tokenize(t, lower); }});
    reg.add({kPunctuationTokenizer, "words, with every punctuation mark its own token (\"it's\" is three: Hugging Face's "
                                    "BertPreTokenizer, how word language models are saved)"},
            {splitAtPunctuation});
    reg.add({"whitespace", "split on whitespace only (text that is already tokenized)"}, {splitOnWhitespace});
    reg.add({"char", "one token per character, \u2581 between words (spelling-robust, tiny vocabulary)"},
            {splitCharacters});
  });
  return r;
}

std::vector<std::string> tokenize(const std::string& text, const TokenizerOptions& options) {
  if (!options.pretrained.empty()) return sharedPretrainedTokenizer(options.pretrained)->encode(text).tokens;
  return tokenizerRegistry().at(options.type).split(text, options.lowercase);
}

Vocabulary::Vocabulary() {
  add("<pad>");
  add("<unk>");
}

void Vocabulary::add(const std::string& token) {
  if (index_.count(token)) return;
  index_[token] = long(tokens_.size());
  tokens_.push_back(token);
}

Vocabulary Vocabulary::ofPretrained(const std::string& tokenizerPath) {
  Vocabulary v;
  v.tokens_ = sharedPretrainedTokenizer(tokenizerPath)->tokens();
  v.index_.clear();
  for (size_t i = 0; i < v.tokens_.size(); ++i)
    if (!v.tokens_[i].empty()) v.index_.emplace(v.tokens_[i], long(i));
  return v;
}

Vocabulary Vocabulary::build(const std::vector<std::string>& texts, const TokenizerOptions& o) {
  if (!o.pretrained.empty()) return ofPretrained(o.pretrained);
  return fromCounts(countTokens(texts, o), o, double(o.minFrequency));
}

std::map<std::string, double> Vocabulary::countTokens(const std::vector<std::string>& texts, const TokenizerOptions& o,
                                                      size_t maxDistinctPerText) {
  std::map<std::string, double> counts;
  for (const auto& t : texts) {
    auto tokens = tokenize(t, o);
    if (maxDistinctPerText > 0) {
      std::vector<std::string> distinct;
      for (auto& tok : tokens)
        if (distinct.size() < maxDistinctPerText && std::find(distinct.begin(), distinct.end(), tok) == distinct.end())
          distinct.push_back(std::move(tok));
      tokens = std::move(distinct);
    }
    for (const auto& tok : tokens) ++counts[tok];
  }
  return counts;
}

Vocabulary Vocabulary::fromCounts(const std::map<std::string, double>& counts, const TokenizerOptions& o,
                                  double minCount) {
  std::vector<std::pair<std::string, double>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  Vocabulary v;
  for (const auto& [tok, n] : sorted) {
    if (v.size() >= std::max<size_t>(o.maxSize, 2)) break;
    if (n >= minCount) v.add(tok);
  }
  return v;
}

long Vocabulary::id(const std::string& token) const {
  const auto it = index_.find(token);
  return it == index_.end() ? kUnk : it->second;
}

void Vocabulary::save(const std::string& path) const {
  std::ofstream f(path);
  for (const auto& t : tokens_) f << t << '\n';
  if (!f) throw InputError(path, "cannot write vocabulary");
}

Vocabulary Vocabulary::load(const std::string& path) {
  const auto lines = readLines(path);
  if (lines.size() < 2 || lines[0] != "<pad>" || lines[1] != "<unk>")
    throw InputError(path, "not a TrustLab vocabulary (must start with <pad>, <unk>)", 1);
  Vocabulary v;
  for (size_t i = 2; i < lines.size(); ++i) v.add(lines[i]);
  return v;
}

namespace {

/// The model family whose special tokens a pretrained tokenizer's texts get: the folder's
/// config.json says it; a bare tokenizer file by its kind (WordPiece: BERT; byte-level BPE with
/// <s>: RoBERTa; without: GPT-2).
/// Read once per path (every text of a dataset asks).
std::string specialTokenFamily(const std::string& path, const PretrainedTokenizer& tokenizer) {
  static std::mutex mutex;
  static std::map<std::string, std::string> known;
  const std::lock_guard<std::mutex> lock(mutex);
  if (const auto it = known.find(path); it != known.end()) return it->second;
  const auto config = std::filesystem::path(path) / "config.json";
  std::string family;
  if (std::filesystem::is_regular_file(config)) family = HfConfig::fromFile(config.string()).modelType;
  else if (tokenizer.format() == "wordpiece") family = "bert";
  else family = tokenizer.tokenId("<s>") >= 0 ? "roberta" : "gpt2";
  return known[path] = family;
}

}  // namespace

TokenEncoding encodePretrainedText(const std::string& text, const TokenizerOptions& o) {
  const auto tokenizer = sharedPretrainedTokenizer(o.pretrained);
  const auto special = specialTokensOf(*tokenizer, specialTokenFamily(o.pretrained, *tokenizer));
  const size_t specials = special.before.size() + special.after.size();
  if (o.maxLength <= specials)
    throw InputError("data.max_length", "must leave room for a token besides the model's " + std::to_string(specials) +
                                            " special tokens");
  auto inner = tokenizer->encode(text);
  const size_t room = o.maxLength - specials;
  if (inner.ids.size() > room) {
    inner.ids.resize(room);
    inner.tokens.resize(room);
    inner.offsets.resize(room);
  }
  if (inner.ids.empty() && specials == 0) {  // GPT-2 and an empty text
    const long end = tokenizer->tokenId("<|endoftext|>");
    inner.ids.push_back(std::max(0L, end));
    inner.tokens.push_back(tokenizer->tokens()[size_t(inner.ids[0])]);
    inner.offsets.emplace_back(0, 0);
  }
  TokenEncoding out;
  const auto append = [&](long id, std::pair<size_t, size_t> span) {
    out.ids.push_back(id);
    out.tokens.push_back(tokenizer->tokens()[size_t(id)]);
    out.offsets.push_back(span);
  };
  for (long id : special.before) append(id, {0, 0});
  for (size_t i = 0; i < inner.ids.size(); ++i) append(inner.ids[i], inner.offsets[i]);
  for (long id : special.after) append(id, {text.size(), text.size()});
  return out;
}

std::vector<long> encodeText(const std::string& text, const Vocabulary& vocab,
                             const TokenizerOptions& o) {
  if (!o.pretrained.empty()) return encodePretrainedText(text, o).ids;
  std::vector<long> ids;
  for (const auto& tok : tokenize(text, o)) {
    if (ids.size() >= o.maxLength) break;
    ids.push_back(vocab.id(tok));
  }
  if (ids.empty()) ids.push_back(Vocabulary::kUnk);
  return ids;
}

}  // namespace trustlab
