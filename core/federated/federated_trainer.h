// core/federated: the round loop of a federated simulation. Each round selects clients, trains
// one shared worker model from the global parameters on each client's examples (local SGD, with
// FedProx's proximal term when asked), averages the updates with the aggregation weights and lets
// the server optimiser move the global model. In the continual setting the clients' data changes
// with the period; the system model decides who reports in time and advances a virtual clock.
// Metrics go to observers with step = round.
#pragma once
#include <atomic>
#include <optional>
#include <vector>

#include "data/batching.h"
#include "federated/federated_config.h"
#include "federated/partition.h"
#include "federated/rendezvous.h"
#include "models/text_classifier.h"
#include "training/observer.h"
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
  /// `training` gives the seed, device and threads; `config` everything federated.
  FederatedTrainer(TextClassifierPtr model, const TrainConfig& training, const FederatedConfig& config,
                   long long runId = 0);
  void addObserver(TrainingObserver* o) { observers_.push_back(o); }
  /// Joins this multi-process run instead of the one the environment names (RANK, WORLD_SIZE, …).
  void setRendezvous(const Rendezvous& r) { rendezvous_ = r; }
  FederatedResult fit(const EncodedSplit& train, const Partition& clients, const EncodedSplit& valid,
                      const std::atomic<bool>* stop = nullptr);
  const torch::Device& device() const { return device_; }
  void emitMetric(const std::string& key, long step, double value);

 private:
  TextClassifierPtr model_;
  TrainConfig training_;
  FederatedConfig config_;
  long long runId_;
  torch::Device device_;
  std::vector<TrainingObserver*> observers_;
  std::optional<Rendezvous> rendezvous_;
};

}  // namespace trustlab
