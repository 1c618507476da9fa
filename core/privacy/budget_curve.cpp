#include "privacy/budget_curve.h"

#include <algorithm>
#include <cmath>

#include "privacy/accountant.h"

namespace trustlab {

std::vector<long> curveSteps(long total, int points) {
  std::vector<long> s;
  if (total <= 0) return s;
  for (int i = 0; i < points; ++i) {
    const double f = points == 1 ? 1.0 : double(i) / double(points - 1);
    const long t = std::max(1L, long(std::llround(std::pow(double(total), f))));
    if (s.empty() || t > s.back()) s.push_back(t);
  }
  if (s.back() != total) s.push_back(total);
  return s;
}

EpsilonCurve epsilonCurve(const std::string& accountant, double sigma, double q, const std::vector<long>& steps,
                          double delta) {
  validatePrivacyInputs({{sigma, q, 1}}, delta);
  EpsilonCurve c;
  c.accountant = accountant;
  // One accountant extended step count by step count: its phases merge, so each point is the
  // composition of t steps (and RDP's per-step cost is paid once).
  const auto acc = makeAccountant(accountant);
  for (long t : steps) {
    acc->compose(sigma, q, t - acc->steps());
    c.steps.push_back(double(t));
    c.epsilon.push_back(acc->epsilon(delta));
  }
  return c;
}

}  // namespace trustlab
