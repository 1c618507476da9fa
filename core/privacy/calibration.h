// core/privacy: the budget questions a researcher asks, answered with any accountant and never
// overshooting the target ε: the noise σ for (ε, δ) (precise to 1e-4 relative in σ, unlike a
// stop on ε tolerance), how many steps/epochs fit a budget, and which batch size reaches ε.
// Epochs convert to steps as ⌊epochs / q⌋ (the common Opacus convention).
#pragma once
#include <string>

#include "privacy/privacy_history.h"

namespace trustlab {

struct NoiseCalibration {
  double noiseMultiplier = 0;  ///< the smallest σ found with ε(σ) ≤ target
  double epsilon = 0;          ///< ε(σ) as the accountant reports it, ≤ target
  long steps = 0;
  int evaluations = 0;         ///< accountant evaluations used
  int guideEvaluations = 0;    ///< evaluations of its guide (AccountantEntry::guide), far cheaper
};

/// ⌊epochs / q⌋; throws InputError for q ∉ (0, 1] or epochs < 0.
long stepsForEpochs(double epochs, double sampleRate);

/// σ such that ε(σ) ≤ targetEpsilon at δ, with σ within `relativeTolerance` of the exact answer.
/// `before`: phases released before these steps (a DP vocabulary), composed with them; InputError
/// naming privacy.target_epsilon when they alone spend the target.
NoiseCalibration calibrateNoise(double targetEpsilon, double delta, double sampleRate, long steps,
                                const std::string& accountant = kRdpAccountant, double relativeTolerance = 5e-5,
                                const PrivacyHistory& before = {});

/// Opacus' get_noise_multiplier, for comparison with published numbers: bisection that stops
/// once ε is within `epsilonTolerance` below the target (so σ is coarse), starting from σ = 20.
NoiseCalibration calibrateNoiseOpacusCompatible(double targetEpsilon, double delta, double sampleRate, long steps,
                                                const std::string& accountant = kRdpAccountant,
                                                double epsilonTolerance = 0.01);

/// The largest number of steps with ε ≤ target for a fixed σ and q (0 if even one step exceeds).
long maxStepsForBudget(double targetEpsilon, double delta, double sampleRate, double noiseMultiplier,
                       const std::string& accountant = kRdpAccountant);

/// The largest batch size B (q = B/N) for which `epochs` epochs at σ stay within ε (0 if none).
long maxBatchSizeForBudget(double targetEpsilon, double delta, long datasetSize, double epochs,
                           double noiseMultiplier, const std::string& accountant = kRdpAccountant);

}  // namespace trustlab
