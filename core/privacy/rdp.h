// core/privacy: Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism (Mironov,
// Talwar, Zhang 2019), compatible with Opacus/legacy TF-Privacy: integer orders by the exact
// binomial sum, fractional orders by the signed two-sided series, the 151 default orders, and
// the improved RDP→(ε, δ) conversion of Balle et al. 2020 (Thm 21).
#pragma once
#include <vector>

#include "privacy/privacy_history.h"

namespace trustlab {

/// 1.1, 1.2, …, 10.9, 12, 13, …, 63 (151 orders, as Opacus).
const std::vector<double>& defaultRdpOrders();

/// RDP of one step at order α (add/remove adjacency, sensitivity 1).
double rdpPoissonGaussian(double sampleRate, double noiseMultiplier, double order);

/// RDP of the whole history at each order (phases compose additively).
std::vector<double> rdpOfHistory(const PrivacyHistory& history, const std::vector<double>& orders);

/// min over orders of the Balle et al. bound; ε clamped at 0; +inf when no order is finite.
EpsilonResult rdpToEpsilon(const std::vector<double>& orders, const std::vector<double>& rdp, double delta);

/// ε after `steps` repetitions of a step whose RDP at each default order is `perStep` (the cheap
/// path for curves and live logging: the per-step RDP is computed once).
EpsilonResult rdpEpsilonAfterSteps(const std::vector<double>& perStep, long steps, double delta);

EpsilonResult rdpEpsilon(const PrivacyHistory& history, double delta,
                         const std::vector<double>& orders = defaultRdpOrders());

}  // namespace trustlab
