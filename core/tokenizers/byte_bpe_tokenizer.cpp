#include "tokenizers/byte_bpe_tokenizer.h"

#include <algorithm>
#include <array>
#include <limits>
#include <nlohmann/json.hpp>

#include "tokenizers/tokenizer_json.h"
#include "tokenizers/unicode.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

using json = nlohmann::json;

/// GPT-2's byte↔unicode map: printable Latin-1 bytes stand for themselves, the other 68 bytes
/// for U+0100 onwards in byte order, so that every byte is a visible character ("Ġ" is the space).
const std::array<std::string, 256>& byteSymbols() {
  static const std::array<std::string, 256> symbols = [] {
    std::array<std::string, 256> s;
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      appendUtf8(s[size_t(b)], printable ? char32_t(b) : next++);
    }
    return s;
  }();
  return symbols;
}

/// One of the pattern's classes: letters, numbers, whitespace, or anything else.
enum class Kind { Letter, Number, Space, Other };
Kind kindOf(char32_t c) {
  if (isWhiteSpace(c)) return Kind::Space;
  if (isLetter(c)) return Kind::Letter;
  if (isNumber(c)) return Kind::Number;
  return Kind::Other;
}

/// The contraction suffixes GPT-2's pattern takes first, case-sensitively: 's 't 're 've 'm 'll 'd.
size_t contractionLength(const std::vector<CodePoint>& cps, size_t i) {
  if (cps[i].value != '\'' || i + 1 >= cps.size()) return 0;
  const char32_t a = cps[i + 1].value, b = i + 2 < cps.size() ? cps[i + 2].value : 0;
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  return 0;
}

std::unordered_map<std::string, long> readVocabulary(const json& vocab, const std::string& source, const std::string& field) {
  if (!vocab.is_object()) throw InputError(source, "expected an object of token ids", 0, field);
  std::unordered_map<std::string, long> ids;
  for (const auto& [token, id] : vocab.items()) {
    // As tokenizer_json.h's vocabularyById: an id past the end would size the id → token table.
    if (!id.is_number_integer() || id.get<long long>() < 0 || size_t(id.get<long long>()) >= vocab.size())
      throw InputError(source, "ids must run from 0 to the vocabulary's size − 1", 0, field.empty() ? token : field + "." + token);
    ids.emplace(token, long(id.get<long long>()));
  }
  return ids;
}

/// "left right" → the pair; InputError naming the line when it is not two symbols.
std::pair<std::string, std::string> mergePair(const std::string& line, const std::string& source, size_t lineNumber) {
  const auto space = line.find(' ');
  if (space == std::string::npos || space == 0 || space + 1 >= line.size() || line.find(' ', space + 1) != std::string::npos)
    throw InputError(source, "a merge is two symbols separated by one space", lineNumber);
  return {line.substr(0, space), line.substr(space + 1)};
}

}  // namespace

std::vector<std::pair<size_t, size_t>> gpt2PreTokens(const std::string& text) {
  const auto cps = decodeUtf8(text);
  std::vector<std::pair<size_t, size_t>> out;
  const auto kind = [&](size_t i) { return i < cps.size() ? kindOf(cps[i].value) : Kind::Space; };
  const auto run = [&](size_t i, Kind k) {  // the end of the run of class k starting at i
    while (i < cps.size() && kindOf(cps[i].value) == k) ++i;
    return i;
  };
  for (size_t i = 0; i < cps.size();) {
    size_t end = i + contractionLength(cps, i);
    if (end == i) {
      const Kind here = kind(i);
      // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": an optional space joins the run after it.
      const bool spaceThenRun = cps[i].value == ' ' && i + 1 < cps.size() && kind(i + 1) != Kind::Space;
      if (here != Kind::Space || spaceThenRun) {
        const size_t from = spaceThenRun ? i + 1 : i;
        end = run(from, kind(from));
      } else {
        // "\s+(?!\S)" leaves the last space of a run for the word after it; "\s+" takes a lone one.
        const size_t spaces = run(i, Kind::Space);
        end = spaces == cps.size() || spaces - i == 1 ? spaces : spaces - 1;
      }
    }
    out.emplace_back(cps[i].begin, cps[end - 1].end);
    i = end;
  }
  return out;
}

ByteBpeTokenizer::ByteBpeTokenizer(std::unordered_map<std::string, long> vocabulary,
                                   std::vector<std::pair<std::string, std::string>> merges,
                                   std::vector<std::string> keptWhole, bool addPrefixSpace, const std::string& source)
    : ids_(std::move(vocabulary)), keptWhole_(std::move(keptWhole)), addPrefixSpace_(addPrefixSpace) {
  for (size_t r = 0; r < merges.size(); ++r) ranks_.emplace(merges[r].first + " " + merges[r].second, r);
  for (const auto& [token, id] : ids_) {
    if (size_t(id) >= tokens_.size()) tokens_.resize(size_t(id) + 1);
    tokens_[size_t(id)] = token;
  }
  for (const auto& symbol : byteSymbols())
    if (!ids_.count(symbol)) throw InputError(source, "the vocabulary lacks the byte symbol '" + symbol + "'");
  for (const auto& t : keptWhole_)
    if (!ids_.count(t)) throw InputError(source, "the special token '" + t + "' is not in the vocabulary");
}

std::unique_ptr<ByteBpeTokenizer> ByteBpeTokenizer::fromFiles(const std::string& vocabPath, const std::string& mergesPath) {
  const auto vocab = json::parse(readFile(vocabPath), nullptr, false);
  auto ids = readVocabulary(vocab, vocabPath, "vocabulary");
  std::vector<std::pair<std::string, std::string>> merges;
  const auto lines = readLines(mergesPath);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty() || (i == 0 && lines[i].rfind("#version", 0) == 0)) continue;
    merges.push_back(mergePair(lines[i], mergesPath, i + 1));
  }
  std::vector<std::string> specials;
  if (ids.count("<|endoftext|>")) specials.push_back("<|endoftext|>");
  return std::make_unique<ByteBpeTokenizer>(std::move(ids), std::move(merges), std::move(specials), false, vocabPath);
}

std::unique_ptr<ByteBpeTokenizer> ByteBpeTokenizer::fromTokenizerJson(const std::string& path) {
  const json root = readTokenizerJson(path, "BPE");
  const json& model = root["model"];
  // Byte-level only (GPT-2, RoBERTa): the pre-tokenizer, alone or in a sequence, must be ByteLevel.
  const json pre = root.value("pre_tokenizer", json());
  json byteLevel;
  if (pre.is_object() && pre.value("type", std::string()) == "ByteLevel") byteLevel = pre;
  if (pre.is_object() && pre.value("type", std::string()) == "Sequence")
    for (const auto& p : pre.value("pretokenizers", json::array()))
      if (p.value("type", std::string()) == "ByteLevel") byteLevel = p;
  if (byteLevel.is_null()) throw InputError(path, "only byte-level BPE (the GPT-2 family) is supported", 0, "pre_tokenizer");
  auto ids = readVocabulary(model.value("vocab", json()), path, "model.vocab");
  std::vector<std::pair<std::string, std::string>> merges;
  const json list = model.value("merges", json::array());
  for (size_t i = 0; i < list.size(); ++i) {
    const json& m = list[i];
    if (m.is_string()) merges.push_back(mergePair(m.get<std::string>(), path, 0));
    else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) merges.emplace_back(m[0], m[1]);
    else throw InputError(path, "a merge is \"left right\" or [left, right]", 0, "model.merges." + std::to_string(i));
  }
  return std::make_unique<ByteBpeTokenizer>(std::move(ids), std::move(merges), specialTokens(root),
                                            byteLevel.value("add_prefix_space", false), path);
}

long ByteBpeTokenizer::tokenId(const std::string& token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
}

std::string ByteBpeTokenizer::decode(const std::vector<long>& ids) const {
  static const auto byteOf = [] {
    std::unordered_map<char32_t, char> m;
    for (int b = 0; b < 256; ++b) m[decodeUtf8(byteSymbols()[size_t(b)]).front().value] = char(b);
    return m;
  }();
  std::string text;
  for (const long id : ids) {
    if (id < 0 || size_t(id) >= tokens_.size() || tokens_[size_t(id)].empty())
      throw InputError("id " + std::to_string(id), "is not in the tokenizer's vocabulary");
    const auto& token = tokens_[size_t(id)];
    if (std::find(keptWhole_.begin(), keptWhole_.end(), token) != keptWhole_.end()) {
      text += token;  // special tokens are text, not mapped bytes
      continue;
    }
    for (const auto& cp : decodeUtf8(token)) {
      const auto it = byteOf.find(cp.value);
      if (it == byteOf.end()) throw InputError("id " + std::to_string(id), "token '" + token + "' is not byte-level");
      text += it->second;
    }
  }
  return text;
}

std::vector<std::pair<std::string, size_t>> ByteBpeTokenizer::merge(const std::string& bytes) const {
  {
    const std::lock_guard<std::mutex> lock(cacheMutex_);
    if (const auto it = cache_.find(bytes); it != cache_.end()) return it->second;
  }
  std::vector<std::pair<std::string, size_t>> symbols;  // symbol, bytes it stands for
  for (unsigned char b : bytes) symbols.emplace_back(byteSymbols()[b], 1);
  // Merge the pair of lowest rank everywhere it occurs, until no adjacent pair has a rank.
  while (symbols.size() > 1) {
    size_t best = std::numeric_limits<size_t>::max();
    std::string bestLeft, bestRight;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      const auto it = ranks_.find(symbols[i].first + " " + symbols[i + 1].first);
      if (it != ranks_.end() && it->second < best) best = it->second, bestLeft = symbols[i].first, bestRight = symbols[i + 1].first;
    }
    if (best == std::numeric_limits<size_t>::max()) break;
    std::vector<std::pair<std::string, size_t>> merged;
    for (size_t i = 0; i < symbols.size(); ++i) {
      if (i + 1 < symbols.size() && symbols[i].first == bestLeft && symbols[i + 1].first == bestRight) {
        merged.emplace_back(bestLeft + bestRight, symbols[i].second + symbols[i + 1].second);
        ++i;
      } else {
        merged.push_back(symbols[i]);
      }
    }
    symbols = std::move(merged);
  }
  const std::lock_guard<std::mutex> lock(cacheMutex_);
  if (cache_.size() > 100000) cache_.clear();  // bounded; rebuilt on demand
  cache_.emplace(bytes, symbols);
  return symbols;
}

void ByteBpeTokenizer::encodePiece(const std::string& text, size_t begin, size_t end, TokenEncoding& out) const {
  const std::string segment = text.substr(begin, end - begin);
  // add_prefix_space (RoBERTa-style files): a segment not starting with a space is read as if it
  // did; that space belongs to no byte of the text.
  const bool prefix = addPrefixSpace_ && !segment.empty() && segment[0] != ' ';
  const std::string read = prefix ? " " + segment : segment;
  for (const auto& [b, e] : gpt2PreTokens(read)) {
    size_t at = b;
    for (const auto& [symbol, count] : merge(read.substr(b, e - b))) {
      size_t from = at, to = at + count;
      at = to;
      // trim_offsets: a token's leading space is not part of the word it highlights.
      const bool allSpace = read.find_first_not_of(' ', from) >= to;
      while (!allSpace && from < to && read[from] == ' ') ++from;
      const auto shift = [&](size_t p) { return begin + (prefix ? (p == 0 ? 0 : p - 1) : p); };
      const long id = tokenId(symbol);
      if (id < 0) throw InputError("tokenizer", "a merge made '" + symbol + "', which is not in the vocabulary");
      out.ids.push_back(id);
      out.tokens.push_back(symbol);
      out.offsets.emplace_back(shift(from), shift(to));
    }
  }
}

TokenEncoding ByteBpeTokenizer::encode(const std::string& text) const {
  TokenEncoding out;
  splitAtSpecialTokens(
      text, keptWhole_, [&](size_t begin, size_t end) { encodePiece(text, begin, end, out); },
      [&](const std::string& token, size_t begin) {
        out.ids.push_back(tokenId(token));  // checked when the tokenizer was built
        out.tokens.push_back(token);
        out.offsets.emplace_back(begin, begin + token.size());
      });
  return out;
}

}  // namespace trustlab
