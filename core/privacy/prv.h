// core/privacy: PRV accountant (Gopi, Lee, Wutschitz 2021): the privacy loss random variable of
// each phase is truncated to a safe domain, discretised on a common mesh (mean-preserving
// shift), self-composed by FFT and convolved across phases; ε is read from the composed PMF with
// rigorous error bounds. The upper bound is what TrustLab reports.
#pragma once
#include <string>

#include "privacy/privacy_history.h"

namespace trustlab {

struct PrvEpsilon {
  double lower = 0, estimate = 0, upper = 0;
  long gridSize = 0;
  /// Why PRV did not answer, when it could not (empty when it did): the loss is so spread (tiny
  /// σ, ε in the hundreds) that the grid would exceed kMaxPrvGrid points, its discretisation
  /// cannot keep the mean within half a bin (Gopi et al. §5; prv_accountant raises there too), or
  /// the ε lies beyond the grid. Then the RDP bound, also rigorous, is returned as upper (lower
  /// = 0, estimate = upper): a stated fallback, never a wrong number.
  std::string rdpFallback;
};

constexpr long kMaxPrvGrid = 1L << 23;
/// The ε slack of the reported bound (Gopi et al.'s default eps_error).
constexpr double kPrvEpsError = 0.01;

/// `epsError` is the ε slack of the bound; `deltaError` defaults to δ/1000.
PrvEpsilon prvEpsilon(const PrivacyHistory& history, double delta, double epsError = kPrvEpsError,
                      double deltaError = 0);

/// The reported bound estimated on a mesh 20× coarser (20× fewer points): within about 1e-4 of
/// it and moving with it as σ moves, for searches that then check the bound itself.
double prvGuideEpsilon(const PrivacyHistory& history, double delta);

/// CDF of the privacy loss of one Poisson-subsampled Gaussian step (add/remove adjacency).
double prvCdf(double sampleRate, double noiseMultiplier, double t);

}  // namespace trustlab
