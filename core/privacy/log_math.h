// core/privacy: numerics in log space shared by the accountants: stable log-add/sub, log erfc
// for large arguments, the standard normal CDF and its inverse.
#pragma once

namespace trustlab::logmath {

/// log(e^a + e^b), with -inf as log 0.
double logAdd(double a, double b);
/// log(e^a - e^b) for a ≥ b; -inf when equal.
double logSub(double a, double b);
/// log(erfc(x)), accurate where erfc underflows (x ≳ 26).
double logErfc(double x);
/// Φ(x), the standard normal CDF.
double normalCdf(double x);
/// Φ⁻¹(p) for p in (0, 1).
double normalQuantile(double p);

}  // namespace trustlab::logmath
