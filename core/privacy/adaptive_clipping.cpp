#include "privacy/adaptive_clipping.h"

#include <cmath>
#include <limits>

namespace trustlab {

double updateNoiseAfterCount(double sigma, double sigmaCount) {
  const double rest = 1 / (sigma * sigma) - 1 / (4 * sigmaCount * sigmaCount);
  return rest > 0 ? 1 / std::sqrt(rest) : std::numeric_limits<double>::quiet_NaN();
}

double nextClipNorm(double clip, double noisyCount, double expected, double targetQuantile, double learningRate) {
  return clip * std::exp(-learningRate * (noisyCount / expected - targetQuantile));
}

}  // namespace trustlab
