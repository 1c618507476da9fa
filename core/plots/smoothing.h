// core/plots: TensorBoard's debiased exponential moving average ("classicSmoothing"): weight
// clamped to [0, 1]; a constant series is returned unchanged; non-finite values pass through and
// do not advance the debias counter. Only raw values are ever stored.
#pragma once
#include <vector>

namespace trustlab {
std::vector<double> smoothDebiasedEma(const std::vector<double>& values, double weight);
}  // namespace trustlab
