#include "privacy/privacy_history.h"

#include <cmath>
#include <cstdio>

#include "privacy/accountant.h"
#include "util/errors.h"

namespace trustlab {

void validatePrivacyInputs(const PrivacyHistory& history, double delta) {
  if (!std::isfinite(delta) || delta <= 0 || delta >= 1) {
    char got[32];
    std::snprintf(got, sizeof got, "%g", delta);  // 1e-12 stays 1e-12, not 0.000000
    throw InputError("privacy", std::string("δ must be a finite number in (0, 1), got ") + got, 0, "delta");
  }
  for (const auto& p : history) validatePhase(p);
}

void validatePhase(const GaussianPhase& p) {
  if (!std::isfinite(p.noiseMultiplier) || p.noiseMultiplier < 0)
    throw InputError("privacy", "noise multiplier must be finite and ≥ 0", 0, "noise_multiplier");
  if (!std::isfinite(p.sampleRate) || p.sampleRate < 0 || p.sampleRate > 1)
    throw InputError("privacy", "sample rate must be in [0, 1]", 0, "sample_rate");
  if (p.steps < 0) throw InputError("privacy", "steps must be ≥ 0", 0, "steps");
}

long totalSteps(const PrivacyHistory& history) {
  long n = 0;
  for (const auto& p : history) n += p.steps;
  return n;
}

std::vector<std::string> accountantNames() { return accountantRegistry().names(); }

EpsilonResult computeEpsilon(const std::string& accountant, const PrivacyHistory& history, double delta) {
  validatePrivacyInputs(history, delta);
  auto a = makeAccountant(accountant);
  for (const auto& p : history) a->compose(p.noiseMultiplier, p.sampleRate, p.steps);
  return a->epsilonResult(delta);
}

}  // namespace trustlab
