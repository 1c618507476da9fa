// core/tokenizers: the Unicode that pretrained tokenizers need, without ICU: UTF-8 decoding that
// keeps each code point's byte span (token offsets point into the original text), general-
// category classes, the White_Space property, full lower-casing and canonical decomposition (for
// BERT's accent stripping). Tables are generated from Python's unicodedata
// (scripts/generate_unicode_tables.py → unicode_tables.inc).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace trustlab {

/// A code point and the bytes [begin, end) of the text it was decoded from.
struct CodePoint {
  char32_t value = 0;
  size_t begin = 0, end = 0;
};

/// Every code point of `text`; an invalid byte becomes U+FFFD spanning that byte.
std::vector<CodePoint> decodeUtf8(const std::string& text);
void appendUtf8(std::string& out, char32_t cp);

bool isLetter(char32_t cp);            ///< \p{L}
bool isNumber(char32_t cp);            ///< \p{N}
bool isPunctuation(char32_t cp);       ///< \p{P}
bool isSpaceSeparator(char32_t cp);    ///< Zs
bool isControlOrFormat(char32_t cp);   ///< Cc or Cf
bool isNonspacingMark(char32_t cp);    ///< Mn
bool isWhiteSpace(char32_t cp);        ///< the White_Space property: what \s matches

/// Appends the full lower-case mapping of `cp` (one to three code points, as str.lower()).
void appendLowerCase(char32_t cp, std::u32string& out);
/// Appends the canonical decomposition of `cp` (NFD; Hangul syllables into their jamo).
void appendDecomposition(char32_t cp, std::u32string& out);

}  // namespace trustlab
