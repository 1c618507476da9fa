#include "training/run_events.h"

#include "util/runtime.h"

namespace trustlab {

RunEvents::RunEvents(long long runId, const std::string& device) : runId_(runId), device_(parseDevice(device)) {}

void RunEvents::metric(const std::string& key, long step, double value) const {
  const MetricEvent e{runId_, key, step, value, unixSeconds()};
  for (auto* o : observers_) o->onMetric(e);
}

void RunEvents::progress(const ProgressEvent& event) const {
  for (auto* o : observers_) o->onProgress(event);
}

void RunEvents::privacy(const PrivacyEvent& event) const {
  for (auto* o : observers_) o->onPrivacy(event);
}

void RunEvents::message(const std::string& text) const {
  for (auto* o : observers_) o->onMessage(text);
}

}  // namespace trustlab
