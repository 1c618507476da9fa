#include "audits/eec_report.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace trustlab {

std::string eecJson(const EecAuditReport& r, int indent) {
  const auto gap = [](const PairedGap& g) {
    return nlohmann::json{{"pairs", g.pairs}, {"mean_difference", g.meanDifference}, {"t", g.t}, {"p_value", g.pValue}};
  };
  nlohmann::json byEmotion = nlohmann::json::object();
  for (const auto& [emotion, g] : r.gap.byEmotion) byEmotion[emotion] = gap(g);
  return nlohmann::json{{"positive_label", r.positiveLabel}, {"overall", gap(r.gap.overall)}, {"by_emotion", byEmotion}}
      .dump(indent);
}

std::string describeEec(const EecAuditReport& r) {
  char line[256];
  std::snprintf(line, sizeof line, "EEC, P(%s) female − male over %ld cells: %+.4f (t = %.2f, p = %.3g)",
                r.positiveLabel.c_str(), r.gap.overall.pairs, r.gap.overall.meanDifference, r.gap.overall.t,
                r.gap.overall.pValue);
  std::string out = line;
  for (const auto& [emotion, g] : r.gap.byEmotion) {
    std::snprintf(line, sizeof line, "\n  %-8s %+.4f (t = %.2f, p = %.3g, %ld cells)", emotion.c_str(), g.meanDifference,
                  g.t, g.pValue, g.pairs);
    out += line;
  }
  return out;
}

}  // namespace trustlab
