// core/federated: the round loop of a federated simulation, in the spirit of Flower's strategy
// split. Each round the ClientSampler invites clients, the SystemModel decides who reports in
// time and advances a virtual clock, the LocalTrainer trains the shared worker model (any model and
// loss: training/objective.h) from the global parameters on each reporting client, the UpdateAggregator sums their updates (weighted,
// clipped for user-level DP, or securely), UserLevelPrivacy adds its noise and accounts the round,
// and the ServerOptimizer moves the global model. Metrics go to observers with step = round.
#pragma once
#include <atomic>
#include <optional>
#include <vector>

#include "data/batching.h"
#include "federated/client_source.h"
#include "federated/federated_config.h"
#include "federated/partition.h"
#include "federated/rendezvous.h"
#include "models/text_classifier.h"
#include "training/objective.h"
#include "training/run_events.h"
#include "training/train_config.h"

namespace trustlab {

struct FederatedResult {
  long rounds = 0;
  long clientUpdates = 0;
  std::vector<long> participation;  ///< rounds each client took part in
  bool cancelled = false;
  double seconds = 0;
  double simulatedSeconds = 0;  ///< the virtual clock (system model) at the end
  double noiseMultiplier = 0;   ///< σ of user-level DP (0 when off)
};

class FederatedTrainer {
 public:
  /// Trains `objective`'s model on its loss; `training` gives the seed, device and threads and
  /// eDP-SGD's settings, `config` everything federated.
  FederatedTrainer(ObjectivePtr objective, const TrainConfig& training, const FederatedConfig& config,
                   long long runId = 0);
  /// A classifier on its cross-entropy.
  FederatedTrainer(TextClassifierPtr model, const TrainConfig& training, const FederatedConfig& config,
                   long long runId = 0)
      : FederatedTrainer(classifierObjective(std::move(model)), training, config, runId) {}
  void addObserver(TrainingObserver* o) { events_.addObserver(o); }
  /// Joins this multi-process run instead of the one the environment names (RANK, WORLD_SIZE, …).
  void setRendezvous(const Rendezvous& r) { rendezvous_ = r; }
  /// Trains on `clients`, reporting on `valid` (empty: no validation).
  FederatedResult fit(const ClientSource& clients, const EncodedSplit& valid, const std::atomic<bool>* stop = nullptr);
  /// The clients of a partition of `train`.
  FederatedResult fit(const EncodedSplit& train, const Partition& clients, const EncodedSplit& valid,
                      const std::atomic<bool>* stop = nullptr);
  const RunEvents& events() const { return events_; }

 private:
  ObjectivePtr objective_;
  TrainConfig training_;
  FederatedConfig config_;
  RunEvents events_;
  std::optional<Rendezvous> rendezvous_;
};

}  // namespace trustlab
