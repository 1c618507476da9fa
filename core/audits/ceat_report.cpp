#include "audits/ceat_report.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace trustlab {

std::string ceatJson(const WeatTest& t, const CeatResult& r, int indent) {
  const auto& c = r.combined;
  return nlohmann::json{{"test", t.name},
                        {"targets", {t.targ1.category, t.targ2.category}},
                        {"attributes", {t.attr1.category, t.attr2.category}},
                        {"combined_effect_size", c.combined},
                        {"se", c.se},
                        {"z", c.z},
                        {"p_value", c.pOneSided},
                        {"p_value_two_sided", c.pTwoSided},
                        {"tau2", c.tau2},
                        {"q", c.q},
                        {"samples", r.effectSizes.size()},
                        {"missing", r.missing}}
      .dump(indent);
}

std::string describeCeat(const WeatTest& t, const CeatResult& r) {
  const auto& c = r.combined;
  char line[640];
  std::snprintf(line, sizeof line,
                "CEAT %s (%s vs %s / %s vs %s), %zu samples: combined effect size %.3f (SE %.3f, z = %.2f, "
                "one-sided p = %.3g), τ² = %.4f",
                t.name.c_str(), t.targ1.category.c_str(), t.targ2.category.c_str(), t.attr1.category.c_str(),
                t.attr2.category.c_str(), r.effectSizes.size(), c.combined, c.se, c.z, c.pOneSided, c.tau2);
  return line + (r.missing.empty() ? "" : ", " + std::to_string(r.missing.size()) + " words without a context");
}

}  // namespace trustlab
