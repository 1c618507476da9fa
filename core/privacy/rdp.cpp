#include "privacy/rdp.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "privacy/log_math.h"
#include "util/numbers.h"

namespace trustlab {
namespace {

using logmath::logAdd;
using logmath::logErfc;
using logmath::logSub;

/// log A_α for integer α: log Σ_i C(α,i) (1−q)^{α−i} q^i exp((i²−i)/(2σ²)).
double logAInteger(double q, double sigma, long alpha) {
  const double logQ = std::log(q), log1mQ = std::log1p(-q), twoSigmaSq = 2 * sigma * sigma;
  double logA = -kInf;
  double logBinom = 0;  // log C(α, i), updated incrementally
  for (long i = 0; i <= alpha; ++i) {
    if (i > 0) logBinom += std::log(double(alpha - i + 1)) - std::log(double(i));
    const double term = logBinom + double(i) * logQ + double(alpha - i) * log1mQ + double(i * i - i) / twoSigmaSq;
    logA = logAdd(logA, term);
  }
  return logA;
}

/// log A_α for fractional α: the two-sided series with signed generalised binomials, stopped when
/// both terms fall below e^-30 (the reference implementation's rule).
double logAFractional(double q, double sigma, double alpha) {
  const double logQ = std::log(q), log1mQ = std::log1p(-q), twoSigmaSq = 2 * sigma * sigma;
  const double rootTwoSigma = std::sqrt(2.0) * sigma, logHalf = std::log(0.5);
  double logA0 = -kInf, logA1 = -kInf;
  const double z0 = sigma * sigma * std::log(1 / q - 1) + 0.5;
  double logAbsBinom = 0;  // log |C(α, i)|
  double sign = 1;
  for (long i = 0;; ++i) {
    if (i > 0) {
      const double factor = alpha - double(i) + 1;
      logAbsBinom += std::log(std::abs(factor)) - std::log(double(i));
      if (factor < 0) sign = -sign;
    }
    const double j = alpha - double(i);
    const double logT0 = logAbsBinom + double(i) * logQ + j * log1mQ;
    const double logT1 = logAbsBinom + j * logQ + double(i) * log1mQ;
    const double logE0 = logHalf + logErfc((double(i) - z0) / rootTwoSigma);
    const double logE1 = logHalf + logErfc((z0 - j) / rootTwoSigma);
    const double logS0 = logT0 + (double(i) * double(i) - double(i)) / twoSigmaSq + logE0;
    const double logS1 = logT1 + (j * j - j) / twoSigmaSq + logE1;
    if (sign > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (std::max(logS0, logS1) < -30) break;
  }
  return logAdd(logA0, logA1);
}

}  // namespace

const std::vector<double>& defaultRdpOrders() {
  static const std::vector<double> k = [] {
    std::vector<double> v;
    for (int i = 11; i <= 109; ++i) v.push_back(i / 10.0);
    for (int i = 12; i <= 63; ++i) v.push_back(i);
    return v;
  }();
  return k;
}

double rdpPoissonGaussian(double q, double sigma, double alpha) {
  if (q == 0) return 0;
  if (sigma == 0 || std::isinf(alpha)) return kInf;
  if (q == 1) return alpha / (2 * sigma * sigma);
  const double logA = alpha == std::floor(alpha) ? logAInteger(q, sigma, long(alpha)) : logAFractional(q, sigma, alpha);
  return logA / (alpha - 1);
}

std::vector<double> rdpOfHistory(const PrivacyHistory& history, const std::vector<double>& orders) {
  std::vector<double> total(orders.size(), 0.0);
  // Orders are independent: spread over the threads, each taking every n-th order, because the
  // fractional orders' series cost several times the integer ones'.
  const int64_t lanes = std::min<int64_t>(at::get_num_threads(), int64_t(orders.size()));
  at::parallel_for(0, lanes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t lane = begin; lane < end; ++lane)
      for (size_t k = size_t(lane); k < orders.size(); k += size_t(lanes))
        for (const auto& p : history)
          if (p.steps > 0) total[k] += double(p.steps) * rdpPoissonGaussian(p.sampleRate, p.noiseMultiplier, orders[k]);
  });
  return total;
}

EpsilonResult rdpToEpsilon(const std::vector<double>& orders, const std::vector<double>& rdp, double delta) {
  EpsilonResult best{kInf, 0};
  for (size_t k = 0; k < orders.size(); ++k) {
    const double a = orders[k];
    if (a <= 1 || !std::isfinite(rdp[k])) continue;
    const double eps = rdp[k] - (std::log(delta) + std::log(a)) / (a - 1) + std::log((a - 1) / a);
    if (eps < best.epsilon) best = {eps, a};
  }
  if (best.epsilon < 0) best.epsilon = 0;
  return best;
}

EpsilonResult rdpEpsilonAfterSteps(const std::vector<double>& perStep, long steps, double delta) {
  std::vector<double> total(perStep.size());
  for (size_t k = 0; k < total.size(); ++k) total[k] = perStep[k] * double(steps);
  return rdpToEpsilon(defaultRdpOrders(), total, delta);
}

EpsilonResult rdpEpsilon(const PrivacyHistory& history, double delta, const std::vector<double>& orders) {
  if (totalSteps(history) == 0) return {0, 0};
  return rdpToEpsilon(orders, rdpOfHistory(history, orders), delta);
}

}  // namespace trustlab
