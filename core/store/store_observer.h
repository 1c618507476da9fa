// core/experiment: writes a run's metrics to the store, batched into one transaction at most
// every `flushSeconds` (and at every evaluation), so a killed run loses at most that window.
#pragma once
#include <chrono>
#include <vector>

#include "store/run_store.h"
#include "training/observer.h"

namespace trustlab {

class StoreObserver : public TrainingObserver {
 public:
  StoreObserver(RunStore& store, long long runId, double flushSeconds = 0.5);
  ~StoreObserver() override;
  void onMetric(const MetricEvent& e) override;
  void onPrivacy(const PrivacyEvent& e) override;
  void flush();

 private:
  RunStore& store_;
  long long runId_;
  double flushSeconds_;
  std::vector<RunStore::Metric> pending_;
  std::chrono::steady_clock::time_point lastFlush_;
};

}  // namespace trustlab
