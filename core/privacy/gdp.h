// core/privacy: Gaussian-DP accountant via the central limit theorem (Bu, Dong, Long, Su 2020).
// An APPROXIMATION: it can under-estimate ε for few steps or large q; shown labelled as such.
#pragma once
#include "privacy/privacy_history.h"

namespace trustlab {

/// μ of the composed history: sqrt(Σ_phases T·q²·(e^{1/σ²} − 1)).
double gdpMu(const PrivacyHistory& history);
/// δ(ε) of μ-GDP: Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2).
double gdpDelta(double mu, double epsilon);
/// The ε with gdpDelta(μ, ε) = δ (bisection; +inf when μ is infinite).
double gdpEpsilon(const PrivacyHistory& history, double delta);

}  // namespace trustlab
