#include "responsiveness_probe.h"

#include <algorithm>

namespace trustlab {

constexpr int kIntervalMs = 10;

ResponsivenessProbe::ResponsivenessProbe(QObject* parent) : QObject(parent) {
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(kIntervalMs);
  connect(&timer_, &QTimer::timeout, this, &ResponsivenessProbe::tick);
  reset();
  timer_.start();
}

void ResponsivenessProbe::reset() {
  maxBlockedMs_ = 0;
  clock_.restart();
}

void ResponsivenessProbe::tick() {
  const double gap = double(clock_.nsecsElapsed()) / 1e6;
  clock_.restart();
  maxBlockedMs_ = std::max(maxBlockedMs_, gap - kIntervalMs);
}

}  // namespace trustlab
