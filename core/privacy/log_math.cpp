#include "privacy/log_math.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace trustlab::logmath {

double logAdd(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi + std::log1p(std::exp(lo - hi));
}

double logSub(double a, double b) {
  if (a < b) throw std::domain_error("log-space subtraction would be negative");
  if (b == -std::numeric_limits<double>::infinity()) return a;
  if (a == b) return -std::numeric_limits<double>::infinity();
  return a + std::log(-std::expm1(b - a));
}

double logErfc(double x) {
  if (x < 25) return std::log(std::erfc(x));
  // Asymptotic series erfc(x) ≈ e^{-x²}/(x√π) · (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸)).
  const double r = 1 / (2 * x * x);
  const double series = 1 - r + 3 * r * r - 15 * r * r * r + 105 * r * r * r * r;
  return -x * x - std::log(x) - 0.5 * std::log(M_PI) + std::log(series);
}

double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace trustlab::logmath
