// core/attacks: what an attack proves about a model's privacy. Any (ε, δ)-DP training keeps
// TPR ≤ e^ε·FPR + δ and TNR ≤ e^ε·FNR + δ for every membership test, so an observed ROC bounds
// ε from below. Rates are replaced by Clopper–Pearson bounds (Jagielski et al. 2020) so the
// bound holds with the stated confidence, simultaneously over every threshold tried.
#pragma once
#include "attacks/roc.h"

namespace trustlab {

/// Regularised incomplete beta function I_x(a, b).
double incompleteBeta(double x, double a, double b);
/// x with I_x(a, b) = p (bisection: monotone and exact to ~1e-12).
double betaQuantile(double p, double a, double b);

/// One-sided Clopper–Pearson bounds for k successes in n trials, each failing with probability α.
double clopperPearsonLower(long k, long n, double alpha);
double clopperPearsonUpper(long k, long n, double alpha);

struct EmpiricalEpsilon {
  double lowerBound = 0;     ///< holds with confidence 1 − α (0 when nothing is proven)
  double pointEstimate = 0;  ///< the same statistic from the raw rates (no confidence)
  double threshold = 0;      ///< the score threshold that gave the lower bound
  int thresholdsTried = 0;
};

/// Tries up to `maxThresholds` ROC points (geometrically spaced from both ends of the curve, where
/// low-FPR and low-FNR tests live); the confidence is split over all of them (Bonferroni), so the
/// maximum stays a valid 1 − α bound.
EmpiricalEpsilon empiricalEpsilon(const RocCurve& roc, double delta, double alpha = 0.05, int maxThresholds = 64);

}  // namespace trustlab
