// core/privacy: what an accountant consumes: a history of Gaussian-mechanism phases, each with a
// noise multiplier σ, a Poisson sampling rate q and a number of steps (a changing batch size or
// noise schedule is several phases).
#pragma once
#include <string>
#include <vector>

namespace trustlab {

/// The RDP accountant's name: the default, and what calibration brackets with (its per-step cost
/// is paid once). Registered with the others in accountant.cpp.
inline constexpr char kRdpAccountant[] = "rdp";

struct GaussianPhase {
  double noiseMultiplier = 1;  ///< σ: noise std divided by the clipping bound
  double sampleRate = 0.01;    ///< q: Poisson sampling probability of each example
  long steps = 0;
};
using PrivacyHistory = std::vector<GaussianPhase>;

/// Throws InputError naming the field for NaN/inf/negative σ, q ∉ [0, 1] or steps < 0.
void validatePhase(const GaussianPhase& phase);
/// validatePhase for every phase, and δ ∈ (0, 1).
void validatePrivacyInputs(const PrivacyHistory& history, double delta);

/// Total number of steps over all phases.
long totalSteps(const PrivacyHistory& history);

struct EpsilonResult {
  double epsilon = 0;
  double order = 0;  ///< RDP order α that gave the bound (RDP only; 0 otherwise)
  /// Set when the accountant could not answer itself and reports another rigorous bound (PRV
  /// falling back to RDP): said wherever this ε is shown.
  std::string warning;
};

/// The accountants' names (accountantRegistry(), privacy/accountant.h).
std::vector<std::string> accountantNames();

/// ε for `history` at `delta` with the named accountant (throws InputError on bad input).
EpsilonResult computeEpsilon(const std::string& accountant, const PrivacyHistory& history, double delta);

}  // namespace trustlab
