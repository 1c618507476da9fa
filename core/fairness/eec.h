// core/fairness: Equity Evaluation Corpus probes (Kiritchenko & Mohammad 2018). Sentences from
// templates that differ only in the person they mention; a score (e.g. P(positive)) is averaged
// over the female and over the male persons of each (template, emotion word, race) cell, and the
// female − male differences are tested with a paired t-test, overall and per emotion.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace trustlab {

struct EecSentence {
  std::string sentence, templ, person, gender, race, emotion, emotionWord;
};
/// Reads the corpus CSV (ID,Sentence,Template,Person,Gender,Race,Emotion,Emotion word); throws
/// InputError naming the file and line when a column is missing.
std::vector<EecSentence> loadEec(const std::string& path);

struct PairedGap {
  long pairs = 0;             ///< cells with both a female and a male score
  double meanDifference = 0;  ///< female − male
  double t = 0, pValue = 1;   ///< paired t-test, two-sided
};

struct EecReport {
  PairedGap overall;
  std::map<std::string, PairedGap> byEmotion;  ///< "anger", …, "none" for the neutral templates
};
EecReport eecGenderGap(const std::vector<EecSentence>& sentences, const std::vector<double>& score);

/// Two-sided p of Student's t with `df` degrees of freedom.
double studentTwoSidedP(double t, double df);

}  // namespace trustlab
