// core/data: the generated default corpus for language-model fairness work. Short sentences about
// people in occupations, with a planted gender–occupation association: a stereotypically male
// occupation is followed by he/his (and a female one by she/her) with probability `association`.
// The prompts stop right before the pronoun, so a model's p(she) vs p(he) there measures how
// much of the association it learned; each prompt has a gender-swapped twin for display.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace trustlab {

struct GenderedCorpusOptions {
  size_t sentences = 6000;
  double association = 0.9;  ///< P(stereotyped pronoun)
  uint64_t seed = 7;
};

std::vector<std::string> generateGenderedCorpus(const GenderedCorpusOptions& options = {});

/// The sentences of `corpus`: one or more sources joined by "+", each "default" (the generated
/// corpus of `generated`) or a file — a .tsv or .csv table's text column (found by name as the
/// data loaders find it: SST-2's train.tsv gives its sentences), any other file's lines, one
/// sentence each. A file gives at most `fileLines` of them (a sample seeded by generated.seed; 0:
/// all). InputError naming the file when it has under 10 sentences, or a table lacks the column.
std::vector<std::string> corpusSentences(const std::string& corpus, const GenderedCorpusOptions& generated = {},
                                         size_t fileLines = 0);

struct OccupationPrompt {
  std::string prompt;      ///< ends right before a pronoun, e.g. "the nurse said that"
  std::string occupation;
  bool stereotypicallyFemale = false;
};
/// Every occupation in every pronoun-position template.
std::vector<OccupationPrompt> occupationPrompts();

/// The occupations of each stereotype (the association test's targets).
const std::vector<std::string>& maleOccupations();
const std::vector<std::string>& femaleOccupations();

}  // namespace trustlab
