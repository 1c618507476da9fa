// core/util: text helpers: lenient UTF-8 (invalid bytes become U+FFFD instead of failing the load),
// file reading with errors that name the file, trimming and splitting, "did you mean" suggestions.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace trustlab {

/// Replaces every invalid UTF-8 sequence (including CESU-8 surrogates) by U+FFFD.
/// `replaced`, if given, receives how many sequences were replaced.
std::string sanitizeUtf8(const std::string& bytes, size_t* replaced = nullptr);

/// Whole file as bytes; throws InputError naming the path when it cannot be read.
std::string readFile(const std::string& path);

/// Lines of a file with CR/LF endings stripped and UTF-8 sanitised.
std::vector<std::string> readLines(const std::string& path);

std::string trim(const std::string& s);
std::string toLowerAscii(std::string s);
std::vector<std::string> split(const std::string& s, char sep);
bool endsWith(const std::string& s, const std::string& suffix);
/// Where `word` occurs in `text` as a whole word (not inside a longer run of letters, digits or
/// apostrophes): byte ranges [begin, end). Case-sensitive: lower both for a caseless match.
std::vector<std::pair<size_t, size_t>> wholeWordOccurrences(const std::string& text, const std::string& word);

/// The whole of `text` as a number (a leading '+', "inf" and "nan" allowed), read in the C locale
/// whatever the process's: std::from_chars, because strtod under a German locale (which Qt sets
/// from the environment) would stop "0.5" at the '.'. nullopt when it is not one.
std::optional<double> parseNumber(const std::string& text);
/// parseNumber, finite numbers only.
std::optional<double> parseFiniteNumber(const std::string& text);

/// The candidate closest to `word` by edit distance (case-insensitive), or "" when none is
/// close enough to be a likely typo (distance ≤ max(1, |word| / 3)): the "did you mean" of
/// unknown names and fields.
std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates);

/// `v` with `digits` significant digits ("%g": 1e-06, 85.58), in the C locale whatever the process's.
std::string formatNumber(double v, int digits = 4);

/// "a, b or c".
std::string joinNames(const std::vector<std::string>& names, const std::string& last = " or ");

}  // namespace trustlab
