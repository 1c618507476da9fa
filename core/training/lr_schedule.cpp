#include "training/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace trustlab {

Registry<LrSchedule>& scheduleRegistry() {
  static Registry<LrSchedule> r("schedule", "training.schedule", [](auto& reg) {
    reg.add({"constant", "the same rate throughout"}, [](double) { return 1.0; });
    reg.add({"linear", "linear decay to 0"}, [](double p) { return 1.0 - p; });
    reg.add({"cosine", "half a cosine down to 0 (Loshchilov & Hutter 2017)"},
            [](double p) { return 0.5 * (1.0 + std::cos(M_PI * p)); });
  });
  return r;
}

double learningRateFactor(const std::string& schedule, long step, long warmup, long total) {
  if (warmup > 0 && step < warmup) return double(step + 1) / double(warmup);
  if (total <= warmup) return 1.0;
  return scheduleRegistry().at(schedule)(std::clamp(double(step - warmup) / double(total - warmup), 0.0, 1.0));
}

}  // namespace trustlab
