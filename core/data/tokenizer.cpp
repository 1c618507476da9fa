#include "data/tokenizer.h"

#include <algorithm>
#include <fstream>
#include <map>

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
    reg.add({"whitespace", "split on whitespace only (text that is already tokenized)"}, {splitOnWhitespace});
    reg.add({"char", "one token per character, \u2581 between words (spelling-robust, tiny vocabulary)"},
            {splitCharacters});
  });
  return r;
}

std::vector<std::string> tokenize(const std::string& text, const TokenizerOptions& options) {
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

Vocabulary Vocabulary::build(const std::vector<std::string>& texts, const TokenizerOptions& o) {
  std::map<std::string, size_t> counts;
  for (const auto& t : texts)
    for (const auto& tok : tokenize(t, o)) ++counts[tok];
  std::vector<std::pair<std::string, size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  Vocabulary v;
  for (const auto& [tok, n] : sorted) {
    if (v.size() >= std::max<size_t>(o.maxSize, 2)) break;
    if (n >= o.minFrequency) v.add(tok);
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

std::vector<long> encodeText(const std::string& text, const Vocabulary& vocab,
                             const TokenizerOptions& o) {
  std::vector<long> ids;
  for (const auto& tok : tokenize(text, o)) {
    if (ids.size() >= o.maxLength) break;
    ids.push_back(vocab.id(tok));
  }
  if (ids.empty()) ids.push_back(Vocabulary::kUnk);
  return ids;
}

}  // namespace trustlab
