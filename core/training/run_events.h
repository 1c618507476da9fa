// core/training: where a run's events go — its observers (the store, the terminal, the GUI),
// tagged with the run id — and the device it trains on. Trainer and FederatedTrainer emit
// through one of these, so metrics, progress, privacy records and messages reach observers alike.
#pragma once
#include <string>
#include <vector>

#include <torch/types.h>

#include "training/observer.h"

namespace trustlab {

class RunEvents {
 public:
  RunEvents(long long runId, const std::string& device);
  void addObserver(TrainingObserver* observer) { observers_.push_back(observer); }
  void metric(const std::string& key, long step, double value) const;
  void progress(const ProgressEvent& event) const;
  void privacy(const PrivacyEvent& event) const;
  void message(const std::string& text) const;
  const torch::Device& device() const { return device_; }

 private:
  long long runId_;
  torch::Device device_;
  std::vector<TrainingObserver*> observers_;
};

}  // namespace trustlab
