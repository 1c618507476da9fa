// trustlab-cli: shows training progress on stderr: a redrawn bar on a terminal, and one line per
// evaluation when stderr is a file or pipe (so logs stay readable).
#pragma once
#include <chrono>

#include "training/observer.h"

namespace trustlab::cli {

class TerminalProgress : public TrainingObserver {
 public:
  explicit TerminalProgress(bool quiet);
  void onMetric(const MetricEvent& e) override;
  void onProgress(const ProgressEvent& p) override;
  void onMessage(const std::string& m) override;
  void finish();

 private:
  bool quiet_, tty_;
  bool barShown_ = false;
  double lastLoss_ = 0, lastValidAccuracy_ = -1;
};

}  // namespace trustlab::cli
