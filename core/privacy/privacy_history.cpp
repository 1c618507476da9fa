#include "privacy/privacy_history.h"

#include <cmath>

#include "privacy/gdp.h"
#include "privacy/prv.h"
#include "privacy/rdp.h"
#include "util/errors.h"

namespace trustlab {

void validatePrivacyInputs(const PrivacyHistory& history, double delta) {
  if (!std::isfinite(delta) || delta <= 0 || delta >= 1)
    throw InputError("privacy", "δ must be a finite number in (0, 1), got " + std::to_string(delta), 0, "delta");
  for (const auto& p : history) {
    if (!std::isfinite(p.noiseMultiplier) || p.noiseMultiplier < 0)
      throw InputError("privacy", "noise multiplier must be finite and ≥ 0", 0, "noise_multiplier");
    if (!std::isfinite(p.sampleRate) || p.sampleRate < 0 || p.sampleRate > 1)
      throw InputError("privacy", "sample rate must be in [0, 1]", 0, "sample_rate");
    if (p.steps < 0) throw InputError("privacy", "steps must be ≥ 0", 0, "steps");
  }
}

long totalSteps(const PrivacyHistory& history) {
  long n = 0;
  for (const auto& p : history) n += p.steps;
  return n;
}

const std::vector<std::string>& accountantNames() {
  static const std::vector<std::string> k = {"rdp", "prv", "gdp"};
  return k;
}

EpsilonResult computeEpsilon(const std::string& accountant, const PrivacyHistory& history, double delta) {
  validatePrivacyInputs(history, delta);
  if (accountant == "rdp") return rdpEpsilon(history, delta);
  if (accountant == "prv") return {prvEpsilon(history, delta).upper, 0};
  if (accountant == "gdp") return {gdpEpsilon(history, delta), 0};
  throw InputError("privacy", "unknown accountant '" + accountant + "' (rdp, prv, gdp)", 0, "accountant");
}

}  // namespace trustlab
