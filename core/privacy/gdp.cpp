#include "privacy/gdp.h"

#include <cmath>
#include <limits>

#include "privacy/log_math.h"

namespace trustlab {

double gdpMu(const PrivacyHistory& history) {
  double sumSquares = 0;
  for (const auto& p : history) {
    if (p.steps == 0 || p.sampleRate == 0) continue;
    if (p.noiseMultiplier == 0) return std::numeric_limits<double>::infinity();
    sumSquares += double(p.steps) * p.sampleRate * p.sampleRate * std::expm1(1 / (p.noiseMultiplier * p.noiseMultiplier));
  }
  return std::sqrt(sumSquares);
}

double gdpDelta(double mu, double eps) {
  if (mu == 0) return 0;
  return logmath::normalCdf(-eps / mu + mu / 2) - std::exp(eps) * logmath::normalCdf(-eps / mu - mu / 2);
}

double gdpEpsilon(const PrivacyHistory& history, double delta) {
  const double mu = gdpMu(history);
  if (!std::isfinite(mu)) return std::numeric_limits<double>::infinity();
  if (gdpDelta(mu, 0) <= delta) return 0;
  // δ(ε) decreases in ε: grow an upper bracket, then bisect to machine precision.
  double lo = 0, hi = 1;
  while (gdpDelta(mu, hi) > delta) {
    lo = hi;
    hi *= 2;
    if (hi > 1e6) return std::numeric_limits<double>::infinity();
  }
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (gdpDelta(mu, mid) > delta ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace trustlab
