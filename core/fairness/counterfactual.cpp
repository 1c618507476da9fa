#include "fairness/counterfactual.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

std::string matchCase(std::string word, const std::string& like) {
  const bool allCaps = like.size() > 1 && std::none_of(like.begin(), like.end(), [](unsigned char c) {
                         return std::islower(c);
                       });
  if (allCaps) {
    for (auto& c : word) c = char(std::toupper(static_cast<unsigned char>(c)));
  } else if (!like.empty() && std::isupper(static_cast<unsigned char>(like[0])) && !word.empty()) {
    word[0] = char(std::toupper(static_cast<unsigned char>(word[0])));
  }
  return word;
}

namespace {

bool isWordChar(unsigned char c) { return std::isalpha(c) || c == '-' || c >= 0x80; }

// After "her" these words start no noun phrase: "call her back", "tell her that", "with her and".
const std::set<std::string>& notANounPhrase() {
  static const std::set<std::string> words = {
      "a", "an", "the", "that", "this", "these", "those", "to", "and", "or", "but", "in", "on", "at", "with",
      "for", "from", "by", "about", "of", "if", "when", "so", "too", "as", "than", "because", "back", "up",
      "down", "out", "off", "over", "again", "now", "today", "tomorrow", "tonight", "later", "please",
      "i", "you", "he", "she", "we", "they", "it", "me", "us", "them", "is", "was", "will", "would",
      "can", "could", "should", "know", "yet", "anyway", "first", "once", "here", "there", "right", "away"};
  return words;
}

const char* const kBuiltInPairs[][2] = {
    {"he", "she"}, {"him", "her"}, {"his", "her"}, {"himself", "herself"}, {"hers", "his"},
    {"man", "woman"}, {"men", "women"}, {"boy", "girl"}, {"boys", "girls"}, {"male", "female"},
    {"males", "females"}, {"father", "mother"}, {"fathers", "mothers"}, {"dad", "mom"}, {"dads", "moms"},
    {"daddy", "mommy"}, {"son", "daughter"}, {"sons", "daughters"}, {"brother", "sister"},
    {"brothers", "sisters"}, {"husband", "wife"}, {"husbands", "wives"}, {"uncle", "aunt"},
    {"uncles", "aunts"}, {"nephew", "niece"}, {"nephews", "nieces"}, {"grandfather", "grandmother"},
    {"grandpa", "grandma"}, {"grandson", "granddaughter"}, {"king", "queen"}, {"kings", "queens"},
    {"prince", "princess"}, {"mr", "mrs"}, {"sir", "madam"}, {"gentleman", "lady"}, {"gentlemen", "ladies"},
    {"boyfriend", "girlfriend"}, {"boyfriends", "girlfriends"}, {"actor", "actress"}, {"actors", "actresses"},
    {"waiter", "waitress"}, {"groom", "bride"}, {"fiance", "fiancee"}, {"stepfather", "stepmother"},
    {"stepson", "stepdaughter"}, {"godfather", "godmother"}, {"monk", "nun"}, {"hero", "heroine"},
    {"masculine", "feminine"}, {"fraternity", "sorority"}, {"policeman", "policewoman"},
    {"chairman", "chairwoman"}, {"businessman", "businesswoman"}, {"spokesman", "spokeswoman"},
    {"salesman", "saleswoman"}, {"guy", "gal"}, {"lad", "lass"}, {"bachelor", "spinster"},
    // First names, both lists in 1990 census frequency order (the default corpus uses them).
    {"james", "mary"}, {"john", "patricia"}, {"robert", "linda"}, {"michael", "barbara"},
    {"william", "elizabeth"}, {"david", "jennifer"}, {"richard", "maria"}, {"charles", "susan"},
    {"joseph", "margaret"}, {"thomas", "dorothy"}, {"christopher", "lisa"}, {"daniel", "nancy"},
    {"paul", "karen"}, {"mark", "betty"}, {"donald", "helen"}, {"george", "sandra"}, {"kenneth", "emily"},
    {"steven", "anna"}, {"edward", "sarah"}, {"brian", "laura"}};

}  // namespace

GenderSwapper GenderSwapper::builtIn() {
  GenderSwapper s;
  for (const auto& p : kBuiltInPairs) s.addPair(p[0], p[1]);
  return s;
}

bool GenderSwapper::addPair(const std::string& a, const std::string& b) {
  const auto x = toLowerAscii(trim(a)), y = toLowerAscii(trim(b));
  if (x.empty() || y.empty() || x == y) return false;
  // "her" is the partner of both "him" and "his": kept one-way, resolved by context in swap().
  female_.try_emplace(x, false);
  female_.try_emplace(y, true);
  const bool added = partner_.try_emplace(x, y).second;
  if (partner_.try_emplace(y, x).second) return true;
  return added;
}

size_t GenderSwapper::loadPairs(const std::string& path) {
  const std::string text = readFile(path);
  const size_t before = size();
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) throw InputError(path, "is not valid JSON");
    if (j.is_object()) {
      if (!j.contains("gender")) throw InputError(path, "a JSON object of word pairs needs a \"gender\" key");
      j = j["gender"];
    }
    if (!j.is_array()) throw InputError(path, "expected a JSON array of [male, female] pairs");
    for (const auto& p : j) {
      if (!p.is_array() || p.size() < 2 || !p[0].is_string() || !p[1].is_string())
        throw InputError(path, "every entry must be a [male, female] pair of strings");
      addPair(p[0].get<std::string>(), p[1].get<std::string>());
    }
  } else {
    std::istringstream lines(text);
    std::string line;
    long number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (trim(line).empty()) continue;
      const auto tab = line.find('\t');
      if (tab == std::string::npos)
        throw InputError(path, "line " + std::to_string(number) + ": expected 'word<TAB>swap'");
      addPair(line.substr(0, tab), line.substr(tab + 1));
    }
  }
  return size() - before;
}

size_t GenderSwapper::loadCensusNames(const std::string& maleFile, const std::string& femaleFile, size_t count) {
  using Ranked = std::vector<std::pair<std::string, double>>;  // name, frequency %, most frequent first
  const auto names = [](const std::string& path) {
    Ranked out;
    std::istringstream lines(readFile(path));
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string name;
      double frequency = 0;
      if (fields >> name >> frequency) out.push_back({toLowerAscii(name), frequency});
    }
    if (out.empty()) throw InputError(path, "holds no 'NAME frequency …' lines");
    return out;
  };
  Ranked maleRanked = names(maleFile), femaleRanked = names(femaleFile);
  // A name on both lists (JAMES is also a rare female name) belongs to the sex it is more common for.
  const auto keepMoreCommon = [](const Ranked& mine, const Ranked& other) {
    std::unordered_map<std::string, double> elsewhere(other.begin(), other.end());
    std::vector<std::string> kept;
    for (const auto& [name, f] : mine)
      if (const auto it = elsewhere.find(name); it == elsewhere.end() || f > it->second) kept.push_back(name);
    return kept;
  };
  const auto male = keepMoreCommon(maleRanked, femaleRanked), female = keepMoreCommon(femaleRanked, maleRanked);
  const size_t before = size();
  for (size_t i = 0; i < std::min({count, male.size(), female.size()}); ++i) addPair(male[i], female[i]);
  return size() - before;
}

std::string GenderSwapper::partner(const std::string& word) const {
  const auto it = partner_.find(word);
  return it == partner_.end() ? std::string() : it->second;
}

bool GenderSwapper::lookup(const std::string& key, std::string& partner, bool& female) const {
  std::string stem = key, suffix;
  if (!partner_.count(key))
    if (const auto apostrophe = key.find('\''); apostrophe != std::string::npos)
      stem = key.substr(0, apostrophe), suffix = key.substr(apostrophe);
  const auto it = partner_.find(stem);
  if (it == partner_.end()) return false;
  partner = it->second + suffix;
  female = female_.at(stem);
  return true;
}

std::string GenderSwapper::groupOf(const std::string& text) const {
  bool male = false, female = false;
  for (const auto& s : swap(text).swaps) (s.female ? female : male) = true;
  return male && female ? "mixed" : male ? "male" : female ? "female" : "none";
}

Counterfactual GenderSwapper::swap(const std::string& text) const {
  Counterfactual out;
  size_t i = 0;
  while (i < text.size()) {
    if (!isWordChar(static_cast<unsigned char>(text[i]))) {
      out.text += text[i++];
      continue;
    }
    // A word may hold inner apostrophes ("ma'am"); a possessive swaps its stem ("mary's").
    size_t end = i;
    while (end < text.size() && (isWordChar(static_cast<unsigned char>(text[end])) ||
                                 (text[end] == '\'' && end + 1 < text.size() &&
                                  std::isalpha(static_cast<unsigned char>(text[end + 1])))))
      ++end;
    const std::string word = text.substr(i, end - i), key = toLowerAscii(word);
    std::string to;
    bool female = false;
    lookup(key, to, female);
    if (key == "her") {
      // his before a noun phrase ("her keys" → "his keys"), him otherwise ("call her back").
      size_t next = end;
      while (next < text.size() && text[next] == ' ') ++next;
      size_t nextEnd = next;
      while (nextEnd < text.size() && isWordChar(static_cast<unsigned char>(text[nextEnd]))) ++nextEnd;
      const std::string following = toLowerAscii(text.substr(next, nextEnd - next));
      to = !following.empty() && next > end && !notANounPhrase().count(following) ? "his" : "him";
    }
    if (to.empty()) {
      out.text += word;
    } else {
      WordSwap s;
      s.sourceBegin = i;
      s.sourceEnd = end;
      s.from = word;
      s.to = matchCase(to, word);
      s.female = female;
      s.targetBegin = out.text.size();
      out.text += s.to;
      s.targetEnd = out.text.size();
      out.swaps.push_back(std::move(s));
    }
    i = end;
  }
  return out;
}

size_t augmentCounterfactually(std::vector<Example>& examples, const GenderSwapper& swapper) {
  const size_t n = examples.size();
  for (size_t i = 0; i < n; ++i) {
    auto cf = swapper.swap(examples[i].text);
    if (cf.swaps.empty()) continue;
    Example twin = examples[i];
    twin.text = std::move(cf.text);
    if (twin.gender == "female") twin.gender = "male";
    else if (twin.gender == "male") twin.gender = "female";
    examples.push_back(std::move(twin));
  }
  return examples.size() - n;
}

}  // namespace trustlab
