// core/fairness: gender counterfactuals of a text. Words are swapped through a bijective table
// (he↔she, man↔woman, …, first names paired by census frequency rank); "her" becomes "his" before
// a noun phrase and "him" otherwise (a context rule: the next word decides). Case is kept, and
// every swap is recorded with its place in both texts so a view can highlight it.
#pragma once
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/dataset.h"

namespace trustlab {

struct WordSwap {
  size_t sourceBegin = 0, sourceEnd = 0;  ///< byte range in the original text
  size_t targetBegin = 0, targetEnd = 0;  ///< byte range in the counterfactual
  std::string from, to;
  bool female = false;  ///< `from` is a female word (the side its pair was listed on)
};

struct Counterfactual {
  std::string text;
  std::vector<WordSwap> swaps;  ///< empty: the text mentions no gendered word the table knows
};

class GenderSwapper {
 public:
  /// The built-in table: common gendered words and 40 first names (20 + 20, paired by rank).
  static GenderSwapper builtIn();

  /// Adds male a ↔ female b (lower-cased). A word that already has a partner keeps it (and its
  /// side); returns whether anything was added.
  bool addPair(const std::string& a, const std::string& b);
  /// Word pairs from a file: "a<TAB>b" lines (corefBias), a JSON array of [a, b] pairs
  /// (CDA/CDS lists) or a JSON object whose "gender" key holds such pairs (bias-bench).
  /// Throws InputError naming the file for anything else. Returns the pairs added.
  size_t loadPairs(const std::string& path);
  /// Census first-name lists (NAME freq cum rank): the i-th male and i-th female name paired, for
  /// the `count` most frequent; a name on both lists counts for the sex it is more frequent for.
  /// Returns the pairs added.
  size_t loadCensusNames(const std::string& maleFile, const std::string& femaleFile, size_t count = 1000);

  Counterfactual swap(const std::string& text) const;
  /// The partner of a lower-case word ("" when it has none); "her" is context-dependent: "his".
  std::string partner(const std::string& word) const;
  size_t size() const { return partner_.size(); }
  /// "male", "female", "mixed" (words of both) or "none": the gender a text's words refer to.
  std::string groupOf(const std::string& text) const;

 private:
  /// A lower-case word's partner and side, or those of a possessive's stem ("mary's" → "james's");
  /// false when the table has neither.
  bool lookup(const std::string& key, std::string& partner, bool& female) const;

  std::unordered_map<std::string, std::string> partner_;
  std::unordered_map<std::string, bool> female_;  ///< the side of each word in the table
};

/// `word` in the letter case of `like`: ALL CAPS, Capitalised or lower ("she", "HE" → "SHE").
std::string matchCase(std::string word, const std::string& like);

/// CDA: appends the gender-swapped twin of every example the swapper changes (label and user kept,
/// annotated gender flipped). Returns the number added.
size_t augmentCounterfactually(std::vector<Example>& examples, const GenderSwapper& swapper);

}  // namespace trustlab
