#include "audits/canary_report.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace trustlab {

std::string describeCanaries(const CanaryAuditResult& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%zu canaries: mean exposure %.2f bits (max %.2f), inversion recovers %.1f%% of secret tokens "
                "(guessing: %.1f%%), %.0f%% extracted whole (%.1f s)",
                r.canaries.size(), r.meanExposure, r.maxExposure, 100 * r.tokensRecovered, 100 * r.randomGuessTokens,
                100 * r.extractionRate, r.seconds);
  std::string out = buf;
  for (const auto& c : r.canaries) {
    std::snprintf(buf, sizeof buf, "\n  '%s' → '%s'  exposure %.2f (rank %.0f of %.0f%s)", c.text.c_str(),
                  c.recoveredText.c_str(), c.exposure.exposure, c.exposure.rank, c.exposure.candidates,
                  c.exposure.exact ? "" : ", sampled");
    out += buf;
  }
  return out;
}

std::string canaryJson(const CanaryAuditResult& r, int indent) {
  nlohmann::json canaries = nlohmann::json::array();
  for (const auto& c : r.canaries)
    canaries.push_back({{"text", c.text},
                        {"recovered", c.recoveredText},
                        {"exposure", c.exposure.exposure},
                        {"rank", c.exposure.rank},
                        {"candidates", c.exposure.candidates},
                        {"exact", c.exposure.exact},
                        {"tokens_recovered", c.inversion.tokensRecovered},
                        {"extracted", c.inversion.extracted}});
  return nlohmann::json{{"exposure", r.meanExposure},
                        {"max_exposure", r.maxExposure},
                        {"tokens_recovered", r.tokensRecovered},
                        {"extracted", r.extractionRate},
                        {"random_guess_tokens", r.randomGuessTokens},
                        {"seconds", r.seconds},
                        {"canaries", canaries}}
      .dump(indent);
}

}  // namespace trustlab
