// core/privacy: ε as training proceeds (the curve the privacy panel and the live ε plot draw),
// computed cheaply: RDP per order once, then scaled by the step count; GDP in closed form; PRV
// at a few points (each a full composition).
#pragma once
#include <string>
#include <vector>

namespace trustlab {

struct EpsilonCurve {
  std::string accountant;
  std::vector<double> steps, epsilon;
};

/// `points` step counts spread geometrically over [1, totalSteps] (always including the end).
std::vector<long> curveSteps(long totalSteps, int points);

EpsilonCurve epsilonCurve(const std::string& accountant, double noiseMultiplier, double sampleRate,
                          const std::vector<long>& steps, double delta);

}  // namespace trustlab
