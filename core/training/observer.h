// core/training: events a training run emits, and the observer interface that receives them.
// Observers are called on the training thread; GUI observers must marshal to the GUI thread.
#pragma once
#include <string>

namespace trustlab {

struct MetricEvent {
  long long runId = 0;
  std::string key;  ///< "train/loss", "valid/accuracy", "test/macro_f1", "lr", ...
  long step = 0;    ///< optimizer steps so far
  double value = 0;
  double time = 0;  ///< seconds since the Unix epoch
};

struct ProgressEvent {
  long step = 0, totalSteps = 0;
  int epoch = 0, epochs = 0;
  double elapsedSeconds = 0, etaSeconds = 0;
};

/// One accounting record of a private run (also the privacy-ledger row).
struct PrivacyEvent {
  long step = 0;  ///< cumulative steps
  double noiseMultiplier = 0, sampleRate = 0, epsilon = 0, delta = 0;
  std::string accountant;
};

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  virtual void onMetric(const MetricEvent&) {}
  virtual void onProgress(const ProgressEvent&) {}
  virtual void onMessage(const std::string&) {}
  virtual void onPrivacy(const PrivacyEvent&) {}
};

}  // namespace trustlab
