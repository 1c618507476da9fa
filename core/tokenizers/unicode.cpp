#include "tokenizers/unicode.h"

#include <algorithm>
#include <iterator>

namespace trustlab {
namespace {

struct CharRange {
  char32_t first, last;
  unsigned char classes;
};
struct CharMapping {
  char32_t from;
  char32_t to[4];  ///< zero-terminated when shorter
};

#include "tokenizers/unicode_tables.inc"

enum : unsigned char { kLetter = 1, kNumber = 2, kPunct = 4, kSpaceSep = 8, kControl = 16, kNonspacing = 32 };

unsigned char classesOf(char32_t cp) {
  const auto it = std::upper_bound(std::begin(kCharRanges), std::end(kCharRanges), cp,
                                   [](char32_t c, const CharRange& r) { return c < r.first; });
  if (it == std::begin(kCharRanges)) return 0;
  const auto& r = *std::prev(it);
  return cp <= r.last ? r.classes : 0;
}

template <size_t N>
const CharMapping* mappingOf(const CharMapping (&table)[N], char32_t cp) {
  const auto it = std::lower_bound(std::begin(table), std::end(table), cp,
                                   [](const CharMapping& m, char32_t c) { return m.from < c; });
  return it != std::end(table) && it->from == cp ? it : nullptr;
}

void appendMapping(const CharMapping& m, std::u32string& out) {
  for (char32_t c : m.to) {
    if (!c) break;
    out += c;
  }
}

/// The length of a UTF-8 sequence starting with `lead`, and the bits it carries; 0 if not a lead byte.
int sequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

}  // namespace

std::vector<CodePoint> decodeUtf8(const std::string& text) {
  std::vector<CodePoint> out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const int n = sequenceLength(lead);
    char32_t cp = n == 1 ? lead : n == 2 ? lead & 0x1F : n == 3 ? lead & 0x0F : lead & 0x07;
    bool ok = n > 0 && i + size_t(n) <= text.size();
    for (int k = 1; ok && k < n; ++k) {
      const auto b = static_cast<unsigned char>(text[i + size_t(k)]);
      ok = (b & 0xC0) == 0x80;
      cp = cp << 6 | (b & 0x3F);
    }
    // Overlong three- and four-byte forms, surrogates and values past U+10FFFF are invalid too.
    ok = ok && !(n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) && !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF));
    if (!ok) {
      out.push_back({0xFFFD, i, i + 1});
      ++i;
      continue;
    }
    out.push_back({cp, i, i + size_t(n)});
    i += size_t(n);
  }
  return out;
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

bool isLetter(char32_t cp) { return classesOf(cp) & kLetter; }
bool isNumber(char32_t cp) { return classesOf(cp) & kNumber; }
bool isPunctuation(char32_t cp) { return classesOf(cp) & kPunct; }
bool isSpaceSeparator(char32_t cp) { return classesOf(cp) & kSpaceSep; }
bool isControlOrFormat(char32_t cp) { return classesOf(cp) & kControl; }
bool isNonspacingMark(char32_t cp) { return classesOf(cp) & kNonspacing; }

bool isWhiteSpace(char32_t cp) {
  // PropList.txt, White_Space: tab to carriage return, space, NEL, NBSP, Ogham space, the
  // U+2000 spaces, line and paragraph separators, narrow NBSP, medium math space, ideographic space.
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

void appendLowerCase(char32_t cp, std::u32string& out) {
  if (const auto* m = mappingOf(kLowerCase, cp)) appendMapping(*m, out);
  else out += cp;
}

void appendDecomposition(char32_t cp, std::u32string& out) {
  // Hangul syllables: L V (T) by arithmetic (Unicode 3.12, "Hangul Syllable Decomposition").
  constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
  constexpr char32_t kVCount = 21, kTCount = 28, kSCount = 11172;
  if (cp >= kSBase && cp < kSBase + kSCount) {
    const char32_t s = cp - kSBase;
    out += kLBase + s / (kVCount * kTCount);
    out += kVBase + (s % (kVCount * kTCount)) / kTCount;
    if (s % kTCount) out += kTBase + s % kTCount;
    return;
  }
  if (const auto* m = mappingOf(kDecomposition, cp)) appendMapping(*m, out);
  else out += cp;
}

}  // namespace trustlab
