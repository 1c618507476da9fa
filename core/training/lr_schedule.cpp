#include "training/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace trustlab {

double learningRateFactor(const std::string& schedule, long step, long warmup, long total) {
  if (warmup > 0 && step < warmup) return double(step + 1) / double(warmup);
  if (schedule == "constant" || total <= warmup) return 1.0;
  const double progress = std::clamp(double(step - warmup) / double(total - warmup), 0.0, 1.0);
  if (schedule == "linear") return 1.0 - progress;
  if (schedule == "cosine") return 0.5 * (1.0 + std::cos(M_PI * progress));
  return 1.0;
}

}  // namespace trustlab
