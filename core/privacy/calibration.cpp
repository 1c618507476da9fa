#include "privacy/calibration.h"

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <utility>

#include "privacy/accountant.h"
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

/// ε as a function of σ alone (the other inputs fixed).
using EpsilonOfSigma = std::function<double(double)>;

/// A bracket of the root of f(log σ) = log ε(σ) − log target (decreasing): f(a) > 0 ≥ f(b), so b
/// is always feasible. epsB = ε(e^b), kept: for PRV one evaluation is a full FFT composition.
struct Bracket {
  double a = 0, b = 0, fa = 0, fb = 0, epsB = 0;
};

/// A bracket from a first guess [lo, hi] (hi evaluated first, each end doubled or halved until
/// it holds); nullopt when no σ ≤ 1e6 meets the target.
std::optional<Bracket> bracketRoot(const EpsilonOfSigma& eps, double target, double lo, double hi) {
  double epsHi = eps(hi);
  double epsLo = std::numeric_limits<double>::quiet_NaN();  // not evaluated yet
  while (epsHi > target) {
    lo = hi;
    epsLo = epsHi;
    hi *= 2;
    if (hi > 1e6) return std::nullopt;
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
  return Bracket{std::log(lo), std::log(hi), std::log(epsLo) - std::log(target), std::log(epsHi) - std::log(target),
                 epsHi};
}

/// Illinois regula falsi until b − a ≤ tol: it keeps the bracket, so the answer is always the
/// feasible end b, and converges in a handful of evaluations where bisection needs about twenty.
void narrow(Bracket& br, const EpsilonOfSigma& eps, double target, double tol, const int& evaluations) {
  int lastMoved = 0;  // -1: a moved last, +1: b moved last
  while (br.b - br.a > tol && evaluations < 200) {
    double m = std::isfinite(br.fa) ? (br.a * br.fb - br.b * br.fa) / (br.fb - br.fa) : 0.5 * (br.a + br.b);
    if (!(m > br.a && m < br.b)) m = 0.5 * (br.a + br.b);
    const double e = eps(std::exp(m));
    const double fm = std::log(e) - std::log(target);
    if (fm > 0) {
      br.a = m;
      br.fa = fm;
      if (lastMoved == -1) br.fb /= 2;
      lastMoved = -1;
    } else {
      br.b = m;
      br.fb = fm;
      br.epsB = e;
      if (lastMoved == 1) br.fa /= 2;
      lastMoved = 1;
    }
  }
}

/// With a guide (a fast approximation of the accountant): secant steps from hi (the first one
/// along `slope`, an estimate of d log ε / d log σ) find the guide's root x1 and its slope there;
/// the accountant's value at x1 and that slope give a Newton estimate r of the accountant's own
/// root, and a second value on r's other side, within tol of x1, closes the bracket: two
/// evaluations of the accountant instead of five. nullopt when the guide misled (the caller then
/// searches without it); the answer obeys the same contract either way.
std::optional<Bracket> guidedBracket(const EpsilonOfSigma& eps, const EpsilonOfSigma& guide, double target, double hi,
                                     double slope, double tol) {
  const auto f = [&](double x) { return std::log(guide(std::exp(x))) - std::log(target); };
  double x0 = std::log(hi), f0 = f(x0);
  double x1 = x0 - f0 / slope, f1 = f(x1);
  for (int i = 0; i < 12; ++i) {
    if (!(std::isfinite(f0) && std::isfinite(f1) && f1 != f0)) return std::nullopt;
    slope = (f1 - f0) / (x1 - x0);
    const double x2 = x1 - f1 / slope;
    if (std::abs(x2 - x1) <= tol / 10) {  // the next step is this small: x2 is the root to ~tol²
      x1 = x2;
      break;
    }
    x0 = std::exchange(x1, x2);
    f0 = std::exchange(f1, f(x2));
  }
  if (!(slope < 0 && std::isfinite(x1))) return std::nullopt;
  const double e1 = eps(std::exp(x1)), g1 = std::log(e1) - std::log(target);
  const double r = x1 - g1 / slope;
  // The second point: half a tolerance past r, but no further than tol from x1.
  const double x2 = g1 <= 0 ? std::max(x1 - 0.99 * tol, r - 0.5 * tol) : std::min(x1 + 0.99 * tol, r + 0.5 * tol);
  const double e2 = eps(std::exp(x2)), g2 = std::log(e2) - std::log(target);
  if (g1 <= 0 && g2 > 0) return Bracket{x2, x1, g2, g1, e1};
  if (g1 > 0 && g2 <= 0) return Bracket{x1, x2, g1, g2, e2};
  return std::nullopt;
}

/// `before`, then `steps` steps at (σ, q): the history a question is about.
PrivacyHistory withPhase(PrivacyHistory before, double sigma, double q, long steps) {
  before.push_back({sigma, q, steps});
  return before;
}

double epsilonOf(const std::string& accountant, double sigma, double q, long steps, double delta,
                 PrivacyHistory before = {}) {
  return computeEpsilon(accountant, withPhase(std::move(before), sigma, q, steps), delta).epsilon;
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
  const EpsilonOfSigma eps = [&](double s) {
    ++c.evaluations;
    return epsilonOf(accountant, s, q, steps, delta, before);
  };
  // For PRV/GDP, start from the RDP answer (cheap to compute, and usually within a few percent).
  double lo = 0.5, hi = 1.0;
  double rdpEpsilonAtHi = 0;  // > 0: hi is RDP's answer and this its ε there
  if (accountant != kRdpAccountant) {
    try {
      const auto rdp = calibrateNoise(target, delta, q, steps, kRdpAccountant, 1e-3, before);
      hi = rdp.noiseMultiplier;
      lo = 0.9 * hi;
      rdpEpsilonAtHi = rdp.epsilon;
    } catch (const InputError&) {
      // Below RDP's floor (see unreachableTarget): bracket from scratch.
    }
  }
  std::optional<Bracket> found;
  const auto& guide = accountantRegistry().at(accountant).guide;
  if (guide && rdpEpsilonAtHi > 0) {
    const EpsilonOfSigma guided = [&](double s) {
      ++c.guideEvaluations;
      return guide(withPhase(before, s, q, steps), delta);
    };
    // RDP's slope at its answer steers the guide's first step.
    const double h = 1e-2;
    const double slope =
        std::log(epsilonOf(kRdpAccountant, hi * std::exp(h), q, steps, delta, before) / rdpEpsilonAtHi) / h;
    if (slope < 0) found = guidedBracket(eps, guided, target, hi, slope, relTol);
  }
  if (!found) found = bracketRoot(eps, target, lo, hi);
  if (!found) throw unreachableTarget(accountant, delta);
  Bracket b = *found;
  narrow(b, eps, target, relTol, c.evaluations);
  c.noiseMultiplier = std::exp(b.b);
  c.epsilon = b.epsB;
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
