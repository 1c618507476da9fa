// core/training: learning-rate multiplier at a step (warm-up, then constant/linear/cosine decay).
#pragma once
#include <string>

namespace trustlab {
double learningRateFactor(const std::string& schedule, long step, long warmupSteps, long totalSteps);
}  // namespace trustlab
