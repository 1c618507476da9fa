// core/experiment: runs one ExperimentSpec end to end: dataset → vocabulary → model → trainer →
// test evaluation → checkpoint, recording everything in the run store.
#pragma once
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "spec/experiment_spec.h"
#include "store/run_store.h"
#include "federated/rendezvous.h"
#include "training/observer.h"
#include "training/trainer.h"

namespace trustlab {

struct RunOutcome {
  long long runId = 0;  ///< 0 when run without a store
  std::string status;   ///< finished or killed (cancelled)
  TrainResult training;
  EvalResult valid, test;
  std::string checkpointDir;  ///< empty when not saved
  long vocabularySize = 0, classes = 0, trainExamples = 0;
  double simulatedSeconds = 0;  ///< federated runs: the system model's virtual clock
};

struct RunOptions {
  RunStore* store = nullptr;                ///< where the run is recorded (optional)
  std::vector<TrainingObserver*> observers;  ///< GUI, terminal, ...
  const std::atomic<bool>* stop = nullptr;
  std::string experiment = "default";  ///< experiment (group) name in the store
  std::string qtVersion;               ///< recorded when run from the GUI
  bool saveCheckpoint = true;          ///< next to the store: <store>.artifacts/run-<id>/
  /// Federated runs over several processes: this process's place (else the environment's).
  std::optional<Rendezvous> rendezvous;
};

/// A federated run's clients beside its checkpoint:
/// {"sizes": [...], "labels_per_client": [...], "participation": [...]}.
std::string federatedArtifactPath(const std::string& storePath, long long runId);

/// Throws InputError for a bad spec or dataset; other failures are recorded as "failed".
RunOutcome runExperiment(const ExperimentSpec& spec, const RunOptions& options);

}  // namespace trustlab
