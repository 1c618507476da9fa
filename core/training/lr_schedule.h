// core/training: learning-rate schedules (training.schedule chooses): a multiplier at each step,
// after an optional linear warm-up.
#pragma once
#include <functional>
#include <string>

#include "config/registry.h"

namespace trustlab {

/// The multiplier at progress p ∈ [0, 1] through the steps after warm-up.
using LrSchedule = std::function<double(double progress)>;
/// constant, linear, cosine and any added by plugins.
Registry<LrSchedule>& scheduleRegistry();

double learningRateFactor(const std::string& schedule, long step, long warmupSteps, long totalSteps);

}  // namespace trustlab
