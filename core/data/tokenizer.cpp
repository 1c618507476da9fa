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
    for (const auto& tok : tokenize(t, o.lowercase)) ++counts[tok];
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
  for (const auto& tok : tokenize(text, o.lowercase)) {
    if (ids.size() >= o.maxLength) break;
    ids.push_back(vocab.id(tok));
  }
  if (ids.empty()) ids.push_back(Vocabulary::kUnk);
  return ids;
}

}  // namespace trustlab
