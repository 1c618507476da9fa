#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <locale>
#include <sstream>

#include "util/errors.h"

namespace trustlab {

std::string sanitizeUtf8(const std::string& in, size_t* replaced) {
  static const char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(in.size());
  size_t count = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) { out.push_back(char(c)); ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Reject overlong forms, surrogates (CESU-8) and code points beyond U+10FFFF.
    if (ok) {
      const uint32_t minimum = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
      ok = cp >= minimum && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (ok) {
      out.append(in, i, len);
      i += len;
    } else {
      out += kReplacement;
      ++count;
      ++i;
      while (i < n && (s[i] & 0xC0) == 0x80) ++i;  // one replacement per broken sequence
    }
  }
  if (replaced) *replaced = count;
  return out;
}

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path, "cannot open file");
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) throw InputError(path, "read error");
  return ss.str();
}

std::vector<std::string> readLines(const std::string& path) {
  const std::string text = sanitizeUtf8(readFile(path));
  std::vector<std::string> lines;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      if (!cur.empty() && cur.back() == '\r') cur.pop_back();
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) {
    if (cur.back() == '\r') cur.pop_back();
    lines.push_back(std::move(cur));
  }
  return lines;
}

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::string toLowerAscii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c == sep) { parts.push_back(cur); cur.clear(); }
    else cur.push_back(c);
  }
  parts.push_back(cur);
  return parts;
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::pair<size_t, size_t>> wholeWordOccurrences(const std::string& text, const std::string& word) {
  std::vector<std::pair<size_t, size_t>> out;
  if (word.empty()) return out;
  const auto isWordByte = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '\''; };
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const size_t end = at + word.size();
    if ((at == 0 || !isWordByte(text[at - 1])) && (end == text.size() || !isWordByte(text[end]))) out.emplace_back(at, end);
  }
  return out;
}

std::optional<double> parseNumber(const std::string& text) {
  const char* begin = text.data() + (!text.empty() && text[0] == '+' && text.size() > 1 && text[1] != '-');
  const char* end = text.data() + text.size();
  double v = 0;
  const auto [stop, error] = std::from_chars(begin, end, v);
  if (begin == end || error != std::errc() || stop != end) return std::nullopt;
  return v;
}

std::optional<double> parseFiniteNumber(const std::string& text) {
  const auto v = parseNumber(text);
  return v && std::isfinite(*v) ? v : std::nullopt;
}

namespace {
/// Edit distance counting insertions, deletions, substitutions and swaps of neighbours (optimal
/// string alignment): "rpd" is one step from "rdp", the typo it most likely is.
size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}
}  // namespace

std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string w = toLowerAscii(word);
  std::string best;
  size_t bestDistance = std::max<size_t>(1, w.size() / 3) + 1;
  for (const auto& c : candidates) {
    const size_t d = editDistance(w, toLowerAscii(c));
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

std::string joinNames(const std::vector<std::string>& names, const std::string& last) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last : ", ";
    out += names[i];
  }
  return out;
}

std::string formatNumber(double v, int digits) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << std::setprecision(digits) << v;
  return out.str();
}

}  // namespace trustlab
