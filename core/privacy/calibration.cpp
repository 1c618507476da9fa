#include "privacy/calibration.h"

#include <cmath>
#include <limits>

#include "privacy/privacy_history.h"
#include "privacy/rdp.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

/// Why no σ reaches the target. RDP's conversion adds log(1/δ)/(α − 1) at every order, so with
/// orders up to α_max no ε below log(1/δ)/(α_max − 1) is ever certified, however large σ is.
InputError unreachableTarget(const std::string& accountant, double delta) {
  std::string why = "target ε is unreachable (needs σ > 1e6)";
  if (accountant == kRdpAccountant) {
    const double floor = std::log(1 / delta) / (defaultRdpOrders().back() - 1);
    why = "target ε is below what RDP can certify at this δ (ε > " + std::to_string(floor) +
          " for any σ): use the prv accountant or a larger δ";
  }
  return InputError("privacy", why, 0, "target_epsilon");
}

void requireTarget(double eps) {
  if (!std::isfinite(eps) || eps <= 0) throw InputError("privacy", "target ε must be finite and > 0", 0, "target_epsilon");
}

double epsilonOf(const std::string& accountant, double sigma, double q, long steps, double delta,
                 PrivacyHistory before = {}) {
  before.push_back({sigma, q, steps});
  return computeEpsilon(accountant, before, delta).epsilon;
}

/// Throws when the phases before training already spend the target.
void requireRoomAfter(const PrivacyHistory& before, const std::string& accountant, double target, double delta) {
  if (before.empty()) return;
  const double spent = computeEpsilon(accountant, before, delta).epsilon;
  if (spent >= target)
    throw InputError("privacy", "the releases before training (the DP vocabulary) already spend ε = " + formatNumber(spent) +
                                    " of the target " + formatNumber(target) + ": raise privacy.vocabulary_noise or the target",
                     0, "target_epsilon");
}

}  // namespace

long stepsForEpochs(double epochs, double q) {
  if (!std::isfinite(q) || q <= 0 || q > 1) throw InputError("privacy", "sample rate must be in (0, 1]", 0, "sample_rate");
  if (!std::isfinite(epochs) || epochs < 0) throw InputError("privacy", "epochs must be ≥ 0", 0, "epochs");
  return long(std::floor(epochs / q));
}

NoiseCalibration calibrateNoise(double target, double delta, double q, long steps, const std::string& accountant,
                                double relTol, const PrivacyHistory& before) {
  requireTarget(target);
  validatePrivacyInputs({{1, q, steps}}, delta);
  requireRoomAfter(before, accountant, target, delta);
  NoiseCalibration c;
  c.steps = steps;
  if (steps == 0 || q == 0) return c;  // nothing released: no noise needed
  auto eps = [&](double s) {
    ++c.evaluations;
    return epsilonOf(accountant, s, q, steps, delta, before);
  };
  // Bracket in log σ: lo violates the target, hi meets it. For PRV/GDP, start from the RDP
  // answer (cheap to compute, and usually within a few percent), so few slow evaluations remain.
  double lo = 0.5, hi = 1.0;
  if (accountant != kRdpAccountant) {
    try {
      hi = calibrateNoise(target, delta, q, steps, kRdpAccountant, 1e-3, before).noiseMultiplier;
      lo = 0.9 * hi;
    } catch (const InputError&) {
      // Below RDP's floor (see unreachableTarget): bracket from scratch.
    }
  }
  // Each end's ε is kept, never recomputed: for PRV one evaluation is a full FFT composition.
  double epsHi = eps(hi);
  double epsLo = std::numeric_limits<double>::quiet_NaN();  // not evaluated yet
  while (epsHi > target) {
    lo = hi;
    epsLo = epsHi;
    hi *= 2;
    if (hi > 1e6) throw unreachableTarget(accountant, delta);
    epsHi = eps(hi);
  }
  if (std::isnan(epsLo)) {
    epsLo = eps(lo);
    while (lo > 1e-3 && epsLo <= target) {
      hi = lo;
      epsHi = epsLo;
      lo /= 2;
      epsLo = eps(lo);
    }
  }
  // Illinois regula falsi on f(log σ) = log ε(σ) − log target (decreasing): it keeps a bracket
  // [a: f > 0, b: f ≤ 0], so the answer is always the feasible end b, and converges in a handful
  // of evaluations where bisection needs about twenty.
  double a = std::log(lo), b = std::log(hi);
  double fa = std::log(epsLo) - std::log(target), fb = std::log(epsHi) - std::log(target);
  int lastMoved = 0;  // -1: a moved last, +1: b moved last
  while (b - a > relTol && c.evaluations < 200) {
    double m = std::isfinite(fa) ? (a * fb - b * fa) / (fb - fa) : 0.5 * (a + b);
    if (!(m > a && m < b)) m = 0.5 * (a + b);
    const double e = eps(std::exp(m));
    const double fm = std::log(e) - std::log(target);
    if (fm > 0) {
      a = m;
      fa = fm;
      if (lastMoved == -1) fb /= 2;
      lastMoved = -1;
    } else {
      b = m;
      fb = fm;
      epsHi = e;
      if (lastMoved == 1) fa /= 2;
      lastMoved = 1;
    }
  }
  c.noiseMultiplier = std::exp(b);
  c.epsilon = epsHi;
  return c;
}

NoiseCalibration calibrateNoiseOpacusCompatible(double target, double delta, double q, long steps,
                                                const std::string& accountant, double tolerance) {
  requireTarget(target);
  validatePrivacyInputs({{1, q, steps}}, delta);
  NoiseCalibration c;
  c.steps = steps;
  auto eps = [&](double s) {
    ++c.evaluations;
    return epsilonOf(accountant, s, q, steps, delta);
  };
  double lo = 0, hi = 10, epsHi = std::numeric_limits<double>::infinity();
  while (epsHi > target) {
    hi *= 2;
    if (hi > 1e6) throw unreachableTarget(kRdpAccountant, delta);
    epsHi = eps(hi);
  }
  while (target - epsHi > tolerance) {
    const double mid = 0.5 * (lo + hi);
    const double e = eps(mid);
    if (e < target) {
      hi = mid;
      epsHi = e;
    } else {
      lo = mid;
    }
  }
  c.noiseMultiplier = hi;
  c.epsilon = epsHi;
  return c;
}

long maxStepsForBudget(double target, double delta, double q, double sigma, const std::string& accountant) {
  requireTarget(target);
  validatePrivacyInputs({{sigma, q, 1}}, delta);
  if (q == 0) throw InputError("privacy", "with q = 0 nothing is released: every step count fits", 0, "sample_rate");
  if (epsilonOf(accountant, sigma, q, 1, delta) > target) return 0;
  long lo = 1, hi = 2;
  while (epsilonOf(accountant, sigma, q, hi, delta) <= target) {
    lo = hi;
    hi *= 2;
    if (hi > (1L << 40)) return lo;
  }
  while (hi - lo > 1) {
    const long mid = lo + (hi - lo) / 2;
    (epsilonOf(accountant, sigma, q, mid, delta) <= target ? lo : hi) = mid;
  }
  return lo;
}

long maxBatchSizeForBudget(double target, double delta, long n, double epochs, double sigma,
                           const std::string& accountant) {
  requireTarget(target);
  if (n < 1) throw InputError("privacy", "dataset size must be ≥ 1", 0, "dataset_size");
  auto fits = [&](long batch) {
    const double q = double(batch) / double(n);
    return epsilonOf(accountant, sigma, q, stepsForEpochs(epochs, q), delta) <= target;
  };
  // With a fixed number of epochs, larger batches mean fewer, less amplified steps; ε is not
  // monotone in B in general, so scan doubling sizes, then bisect within the last feasible gap.
  long best = 0;
  for (long b = 1; b <= n; b *= 2)
    if (fits(b)) best = b;
  if (best == 0) return 0;
  long lo = best, hi = std::min(n, best * 2);
  if (fits(hi)) return hi;
  while (hi - lo > 1) {
    const long mid = lo + (hi - lo) / 2;
    (fits(mid) ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace trustlab
