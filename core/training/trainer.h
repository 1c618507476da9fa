// core/training: the synchronous, cancellable training loop.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/optim/optimizer.h>

#include "data/batching.h"
#include "models/text_classifier.h"
#include "training/metrics.h"
#include "training/observer.h"
#include "training/run_events.h"
#include "training/train_config.h"

namespace trustlab {

class NoiseTap;  // training/private_stepper.h

struct TrainResult {
  bool cancelled = false;
  bool stoppedEarly = false;
  long steps = 0;
  int epochsCompleted = 0;
  EvalResult bestValid;  ///< of the restored (best) parameters
  long bestStep = 0;
  double seconds = 0;
  double noiseMultiplier = 0;  ///< σ used by a private run (0 when not private)
};

class Trainer {
 public:
  Trainer(TextClassifierPtr model, TrainConfig config, long long runId = 0);
  void addObserver(TrainingObserver* observer) { events_.addObserver(observer); }

  /// Trains on `train`, evaluating on `valid`; with early stopping or when valid is given, the
  /// best-valid parameters are restored at the end. Checks `stop` between steps.
  TrainResult fit(const EncodedSplit& train, const EncodedSplit& valid,
                  const std::atomic<bool>* stop = nullptr);

  const RunEvents& events() const { return events_; }

  /// A private fit() shows its steps to `tap` (the white-box audit); not owned.
  void tapNoise(NoiseTap* tap) { noiseTap_ = tap; }

  /// Saves the state a run resumes from (training/training_state.h) to `path` every `every`
  /// steps (0: never periodically) and when stopped. `beforeSave` runs first (e.g. flushes the
  /// store, so that everything logged up to the saved step is kept if the process dies).
  void checkpointTo(std::string path, long every, std::function<void()> beforeSave = {});
  /// The next fit() continues from the state saved at `path` instead of starting afresh: the
  /// same batches, noise, dropout and schedule as if it had never stopped.
  void resumeFrom(std::string path);

 private:
  void emitMetric(const std::string& key, long step, double value) { events_.metric(key, step, value); }
  TextClassifierPtr model_;
  TrainConfig config_;
  RunEvents events_;
  std::string checkpointPath_, resumePath_;
  long checkpointEvery_ = 0;
  std::function<void()> beforeSave_;
  NoiseTap* noiseTap_ = nullptr;
};

}  // namespace trustlab
