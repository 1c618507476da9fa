#include "fairness/eec.h"

#include <cmath>

#include "attacks/epsilon_lower_bound.h"
#include "data/loaders/loaders.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

PairedGap pairedTest(const std::vector<double>& d) {
  PairedGap g;
  g.pairs = long(d.size());
  if (d.empty()) return g;
  double sum = 0;
  for (double x : d) sum += x;
  g.meanDifference = sum / double(d.size());
  if (d.size() < 2) return g;
  double ss = 0;
  for (double x : d) ss += (x - g.meanDifference) * (x - g.meanDifference);
  const double se = std::sqrt(ss / double(d.size() - 1) / double(d.size()));
  if (se == 0) {
    g.t = g.meanDifference == 0 ? 0 : std::copysign(INFINITY, g.meanDifference);
    g.pValue = g.meanDifference == 0 ? 1 : 0;
    return g;
  }
  g.t = g.meanDifference / se;
  g.pValue = studentTwoSidedP(g.t, double(d.size() - 1));
  return g;
}

}  // namespace

double studentTwoSidedP(double t, double df) {
  if (!std::isfinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

std::vector<EecSentence> loadEec(const std::string& path) {
  const auto records = parseCsv(sanitizeUtf8(readFile(path)), path);
  if (records.empty()) throw InputError(path, "is empty");
  std::map<std::string, size_t> column;
  for (size_t c = 0; c < records[0].fields.size(); ++c) column[trim(records[0].fields[c])] = c;
  for (const char* need : {"Sentence", "Template", "Person", "Gender", "Race", "Emotion", "Emotion word"})
    if (!column.count(need)) throw InputError(path, std::string("has no '") + need + "' column (is it the EEC CSV?)", 1);
  std::vector<EecSentence> out;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    if (f.size() < records[0].fields.size())
      throw InputError(path, "has " + std::to_string(f.size()) + " fields, the header " +
                                 std::to_string(records[0].fields.size()), records[r].line);
    out.push_back({f[column["Sentence"]], f[column["Template"]], f[column["Person"]], f[column["Gender"]],
                   f[column["Race"]], f[column["Emotion"]], f[column["Emotion word"]]});
  }
  return out;
}

EecReport eecGenderGap(const std::vector<EecSentence>& sentences, const std::vector<double>& score) {
  if (sentences.size() != score.size()) throw InputError("eec", "one score per sentence is needed");
  struct Cell {
    double female = 0, male = 0;
    long nf = 0, nm = 0;
    std::string emotion;
  };
  std::map<std::string, Cell> cells;  // template | emotion word | race
  for (size_t i = 0; i < sentences.size(); ++i) {
    const auto& s = sentences[i];
    auto& c = cells[s.templ + "\x1f" + s.emotionWord + "\x1f" + s.race];
    c.emotion = s.emotion.empty() ? "none" : s.emotion;
    if (s.gender == "female") c.female += score[i], c.nf++;
    else if (s.gender == "male") c.male += score[i], c.nm++;
  }
  std::vector<double> all;
  std::map<std::string, std::vector<double>> byEmotion;
  for (const auto& [key, c] : cells) {
    if (!c.nf || !c.nm) continue;
    const double d = c.female / double(c.nf) - c.male / double(c.nm);
    all.push_back(d);
    byEmotion[c.emotion].push_back(d);
  }
  EecReport r;
  r.overall = pairedTest(all);
  for (const auto& [emotion, d] : byEmotion) r.byEmotion[emotion] = pairedTest(d);
  return r;
}

}  // namespace trustlab
