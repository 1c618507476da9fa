#include "audits/weat_report.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace trustlab {

std::string weatJson(const EmbeddingWeatReport& r, int indent) {
  const auto& t = r.test;
  return nlohmann::json{{"test", t.name},
                        {"targets", {t.targ1.category, t.targ2.category}},
                        {"attributes", {t.attr1.category, t.attr2.category}},
                        {"effect_size", r.result.effectSize},
                        {"p_value", r.result.pValue},
                        {"statistic", r.result.statistic},
                        {"exact", r.result.exact},
                        {"partitions", r.result.partitions},
                        {"dropped", r.dropped}}
      .dump(indent);
}

std::string describeWeat(const EmbeddingWeatReport& r) {
  char line[512];
  const auto& t = r.test;
  std::snprintf(line, sizeof line, "WEAT %s: %s vs %s / %s vs %s: effect size %.3f, p = %.4g (%s, %ld partitions)",
                t.name.c_str(), t.targ1.category.c_str(), t.targ2.category.c_str(), t.attr1.category.c_str(),
                t.attr2.category.c_str(), r.result.effectSize, r.result.pValue, r.result.exact ? "exact" : "sampled",
                r.result.partitions);
  return line + (r.dropped.empty() ? "" : ", " + std::to_string(r.dropped.size()) + " examples out of vocabulary");
}

}  // namespace trustlab
