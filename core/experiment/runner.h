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
#include "training/objective.h"
#include "training/observer.h"
#include "training/trainer.h"

namespace trustlab {

struct RunOutcome {
  long long runId = 0;  ///< 0 when run without a store
  std::string status;   ///< finished or killed (cancelled)
  TrainResult training;
  EvalResult valid, test;
  EvalMetrics testMetrics;  ///< every test metric of the run's objective (next_word: perplexity, …)
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
  /// Steps between the states a stopped or killed run resumes from (0: only when stopped);
  /// needs a store and saveCheckpoint. Centralised runs only.
  long checkpointEvery = 1000;
  /// Federated runs over several processes: this process's place (else the environment's).
  std::optional<Rendezvous> rendezvous;
};

/// A federated run's clients beside its checkpoint:
/// {"sizes": [...], "labels_per_client": [...], "participation": [...]}.
std::string federatedArtifactPath(const std::string& storePath, long long runId);

/// Throws InputError for a bad spec or dataset; other failures are recorded as "failed".
RunOutcome runExperiment(const ExperimentSpec& spec, const RunOptions& options);

/// Where a run's resume state lives: <store>.artifacts/run-<id>/resume (gone once it finishes).
std::string resumeStatePath(const std::string& storePath, long long runId);
/// Why run `runId` of `store` cannot be resumed ("" when it can): unknown, finished, federated
/// or without a saved state.
std::string whyNotResumable(const RunStore& store, long long runId);
/// Continues a stopped or killed run in `options.store` from its last saved state, in the same
/// run (its metrics and ledger go on from that step). InputError when whyNotResumable says so.
RunOutcome resumeExperiment(long long runId, const RunOptions& options);

}  // namespace trustlab
