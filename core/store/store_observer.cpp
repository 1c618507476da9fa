#include "store/store_observer.h"

namespace trustlab {

StoreObserver::StoreObserver(RunStore& store, long long runId, double flushSeconds)
    : store_(store), runId_(runId), flushSeconds_(flushSeconds), lastFlush_(std::chrono::steady_clock::now()) {}

StoreObserver::~StoreObserver() {
  try {
    flush();
  } catch (...) {
    // Destructors must not throw; the runner flushes explicitly and reports store errors.
  }
}

void StoreObserver::onMetric(const MetricEvent& e) {
  pending_.push_back({e.key, e.step, e.value, e.time});
  const bool evaluation = e.key.rfind("valid/", 0) == 0 || e.key.rfind("test/", 0) == 0;
  const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - lastFlush_).count();
  if (evaluation || since >= flushSeconds_) flush();
}

void StoreObserver::onPrivacy(const PrivacyEvent& e) {
  store_.logLedger(runId_, {e.step, e.noiseMultiplier, e.sampleRate, e.epsilon, e.delta, e.accountant});
}

void StoreObserver::flush() {
  lastFlush_ = std::chrono::steady_clock::now();
  if (pending_.empty()) return;
  store_.logMetrics(runId_, pending_);
  pending_.clear();
}

}  // namespace trustlab
