// core/federated: a client's local training of the objective's shared worker model (any model and
// loss: training/objective.h), starting from the global
// parameters: local SGD over its examples for the configured epochs (with FedProx's proximal pull
// μ/2·‖x − x_global‖² when the algorithm asks for it), or example-level eDP-SGD with Poisson
// batches of expected size B over its n_k examples (≈ n_k/B steps an epoch at q_k = B/n_k, booked
// in the per-client privacy ledger). Dropout draws from a stream of the client and round only, so
// any rank that trains the client trains it the same.
#pragma once
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "data/batching.h"
#include "federated/client_privacy_ledger.h"
#include "federated/federated_config.h"
#include "training/objective.h"
#include "training/train_config.h"

namespace trustlab {

struct LocalResult {
  double lossSum = 0;
  long examples = 0;
};

class LocalTrainer {
 public:
  LocalTrainer(Objective& objective, const std::vector<torch::Tensor>& global, const TrainConfig& training,
               const FederatedConfig& config, const torch::Device& device);
  /// Whether clients train with eDP-SGD (their noise may move every parameter).
  bool examplePrivate() const { return training_.privacy.enabled(); }
  /// Books the client's eDP-SGD steps of this round in the ledger (on every rank: it is shared).
  void account(size_t client, long examples);
  double worstClientEpsilon() const { return ledger_.worstEpsilon(); }
  /// Trains `client` on the rows `examples` of `data` in round `round`.
  LocalResult train(const EncodedSplit& data, const std::vector<long>& examples, size_t client, long round);

 private:
  /// eDP-SGD on a client: its batch size and steps this round.
  long dpBatch(long examples) const { return std::min(config_.localBatchSize, examples); }
  long dpSteps(long examples) const;
  void sgdStep();
  Objective& objective_;
  std::vector<torch::Tensor> params_;
  const std::vector<torch::Tensor>& global_;
  TrainConfig training_;
  FederatedConfig config_;
  torch::Device device_;
  bool proximal_;
  ClientPrivacyLedger ledger_;
};

}  // namespace trustlab
