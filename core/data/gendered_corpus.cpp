#include "data/gendered_corpus.h"

#include <algorithm>

#include "data/loaders/loaders.h"
#include "util/errors.h"
#include "util/random.h"
#include "util/text.h"

namespace trustlab {
namespace {

const std::vector<std::string> kMaleOccupations = {"engineer", "mechanic", "pilot",   "surgeon",
                                                   "carpenter", "plumber",  "programmer", "firefighter"};
const std::vector<std::string> kFemaleOccupations = {"nurse",     "secretary", "receptionist", "hairdresser",
                                                     "librarian", "dancer",    "nanny",        "cashier"};

struct Template {
  const char* prefix;  ///< before the pronoun; {occ} is the occupation
  bool possessive;     ///< his/her instead of he/she
  std::vector<const char*> endings;
};

const std::vector<Template>& templates() {
  static const std::vector<Template> t = {
      {"the {occ} said that", false, {"would call back later", "was busy today", "liked the new office", "could help us"}},
      {"the {occ} told me that", false, {"was tired", "had finished early", "would be late", "enjoyed the work"}},
      {"my friend is a {occ} and", false, {"works every day", "loves the job", "lives near the park", "reads a lot"}},
      {"yesterday the {occ} finished", true, {"work early", "shift at noon", "report quickly", "lunch outside"}},
      {"the {occ} forgot", true, {"keys at home", "phone in the car", "coat at work", "bag on the train"}},
  };
  return t;
}

const std::vector<const char*> kNeutral = {"the {occ} arrived at the station .", "we met a {occ} at the market .",
                                           "the {occ} opened the door .", "a {occ} walked into the room ."};

std::string fill(const std::string& pattern, const std::string& occupation) {
  std::string s = pattern;
  const auto at = s.find("{occ}");
  return at == std::string::npos ? s : s.replace(at, 5, occupation);
}

}  // namespace

std::vector<std::string> generateGenderedCorpus(const GenderedCorpusOptions& o) {
  SplitMix64 rng(o.seed);
  std::vector<std::string> out;
  out.reserve(o.sentences);
  for (size_t i = 0; i < o.sentences; ++i) {
    const bool femaleJob = rng.below(2) == 0;
    const auto& jobs = femaleJob ? kFemaleOccupations : kMaleOccupations;
    const std::string occupation = jobs[rng.below(jobs.size())];
    if (rng.uniform() < 0.2) {  // sentences without a pronoun: context the model must also learn
      out.push_back(fill(kNeutral[rng.below(kNeutral.size())], occupation));
      continue;
    }
    const auto& t = templates()[rng.below(templates().size())];
    const bool female = rng.uniform() < o.association ? femaleJob : !femaleJob;
    const char* pronoun = t.possessive ? (female ? "her" : "his") : (female ? "she" : "he");
    out.push_back(fill(t.prefix, occupation) + " " + pronoun + " " + t.endings[rng.below(t.endings.size())] + " .");
  }
  return out;
}

const std::vector<std::string>& maleOccupations() { return kMaleOccupations; }
const std::vector<std::string>& femaleOccupations() { return kFemaleOccupations; }

std::vector<OccupationPrompt> occupationPrompts() {
  std::vector<OccupationPrompt> out;
  for (const auto& t : templates())
    for (bool female : {false, true})
      for (const auto& occupation : female ? kFemaleOccupations : kMaleOccupations)
        out.push_back({fill(t.prefix, occupation), occupation, female});
  return out;
}

namespace {

/// A file's sentences: a table's text column (CSV or TSV, as the data loaders find it), else its
/// non-empty lines.
std::vector<std::string> fileSentences(const std::string& path) {
  std::vector<std::string> out;
  if (endsWith(path, ".tsv") || endsWith(path, ".csv")) {
    for (auto& text : loadTableTexts(path))
      if (!text.empty()) out.push_back(std::move(text));
  } else {
    for (const auto& line : readLines(path))
      if (!trim(line).empty()) out.push_back(trim(line));
  }
  if (out.size() < 10) throw InputError(path, "needs at least 10 non-empty lines (one sentence each)", 0, "corpus");
  return out;
}

}  // namespace

std::vector<std::string> corpusSentences(const std::string& corpus, const GenderedCorpusOptions& generated,
                                         size_t fileLines) {
  std::vector<std::string> out;
  for (const auto& source : split(corpus, '+')) {
    if (source == "default") {
      const auto sentences = generateGenderedCorpus(generated);
      out.insert(out.end(), sentences.begin(), sentences.end());
      continue;
    }
    auto sentences = fileSentences(source);
    if (fileLines > 0 && sentences.size() > fileLines) {
      SplitMix64 rng(generated.seed);
      shuffleDeterministic(sentences, rng);
      sentences.resize(fileLines);
    }
    out.insert(out.end(), sentences.begin(), sentences.end());
  }
  return out;
}

}  // namespace trustlab
