#include "attacks/epsilon_lower_bound.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace trustlab {
namespace {

/// Continued fraction of I_x(a, b) by the modified Lentz method (converges fast for x < (a+1)/(a+b+2)).
double betaContinuedFraction(double x, double a, double b) {
  constexpr double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  d = 1 / (std::abs(d) < tiny ? tiny : d);
  double f = d;
  for (int m = 1; m <= 1000; ++m) {
    for (int parity = 0; parity < 2; ++parity) {
      const double num = parity == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                                     : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 + num * d;
      d = 1 / (std::abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (std::abs(c) < tiny) c = tiny;
      f *= c * d;
      if (parity == 1 && std::abs(c * d - 1) < 1e-15) return f;
    }
  }
  return f;
}

}  // namespace

double incompleteBeta(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double logFront = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(logFront) * betaContinuedFraction(x, a, b) / a;
  return 1 - std::exp(logFront) * betaContinuedFraction(1 - x, b, a) / b;
}

double betaQuantile(double p, double a, double b) {
  double lo = 0, hi = 1;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (incompleteBeta(mid, a, b) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double clopperPearsonLower(long k, long n, double alpha) {
  if (n <= 0 || k < 0 || k > n) throw std::invalid_argument("clopperPearsonLower: need 0 ≤ k ≤ n, n > 0");
  return k == 0 ? 0 : betaQuantile(alpha, double(k), double(n - k + 1));
}

double clopperPearsonUpper(long k, long n, double alpha) {
  if (n <= 0 || k < 0 || k > n) throw std::invalid_argument("clopperPearsonUpper: need 0 ≤ k ≤ n, n > 0");
  return k == n ? 1 : betaQuantile(1 - alpha, double(k + 1), double(n - k));
}

namespace {

/// Which ROC points to try: all when few; else half geometrically spaced from each end, where a
/// strong attack's bound is decided (TPR/FPR at tiny FPR, TNR/FNR at tiny FNR), reaching the middle.
std::vector<size_t> thresholdsToTry(size_t points, size_t most) {
  std::vector<size_t> tried;
  if (points <= most) {
    for (size_t i = 0; i < points; ++i) tried.push_back(i);
    return tried;
  }
  const size_t perEnd = most / 2;
  const double span = std::log(double(points) / 2);
  for (size_t j = 0; j < perEnd; ++j) {
    const auto rank = size_t(std::llround(std::exp(span * double(j) / double(perEnd - 1))));  // 1 … points/2
    tried.push_back(rank);
    tried.push_back(points - 1 - rank);
  }
  std::sort(tried.begin(), tried.end());
  tried.erase(std::unique(tried.begin(), tried.end()), tried.end());
  return tried;
}

}  // namespace

EmpiricalEpsilon empiricalEpsilon(const RocCurve& roc, double delta, double alpha, int maxThresholds) {
  EmpiricalEpsilon out;
  const size_t points = roc.fpr.size();
  if (points == 0) return out;
  const auto tried = thresholdsToTry(points, size_t(maxThresholds));
  out.thresholdsTried = int(tried.size());
  // Four one-sided bounds per threshold: the union of their failures has probability ≤ α.
  const double a = alpha / (4.0 * double(tried.size()));
  const long nIn = roc.members, nOut = roc.nonMembers;
  auto logRatio = [](double num, double den) {
    return num > 0 && den > 0 ? std::log(num / den) : (num > 0 ? std::numeric_limits<double>::infinity() : 0.0);
  };
  for (size_t i : tried) {
    const long tp = std::lround(roc.tpr[i] * double(nIn)), fp = std::lround(roc.fpr[i] * double(nOut));
    const double tprLo = clopperPearsonLower(tp, nIn, a), fprHi = clopperPearsonUpper(fp, nOut, a);
    const double tnrLo = clopperPearsonLower(nOut - fp, nOut, a), fnrHi = clopperPearsonUpper(nIn - tp, nIn, a);
    const double bound = std::max(logRatio(tprLo - delta, fprHi), logRatio(tnrLo - delta, fnrHi));
    if (bound > out.lowerBound) {
      out.lowerBound = bound;
      out.threshold = roc.threshold[i];
    }
    const double point = std::max(logRatio(roc.tpr[i] - delta, roc.fpr[i]), logRatio(1 - roc.fpr[i] - delta, 1 - roc.tpr[i]));
    if (std::isfinite(point)) out.pointEstimate = std::max(out.pointEstimate, point);
  }
  return out;
}

}  // namespace trustlab
