#include "federated/local_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "federated/server_optimizer.h"
#include "layers/tracked_layers.h"
#include "training/private_stepper.h"

namespace trustlab {

LocalTrainer::LocalTrainer(Objective& objective, const std::vector<torch::Tensor>& global,
                           const TrainConfig& training, const FederatedConfig& config, const torch::Device& device)
    : objective_(objective),
      params_(trainableParameters(objective.module())),
      global_(global),
      training_(training),
      config_(config),
      device_(device),
      proximal_(federatedAlgorithmRegistry().at(config.algorithm).proximal),
      ledger_(training.privacy.accountant, training.privacy.delta) {}

long LocalTrainer::dpSteps(long examples) const {
  return long(config_.localEpochs) * std::max(1L, long(std::llround(double(examples) / double(dpBatch(examples)))));
}

void LocalTrainer::account(size_t client, long examples) {
  if (examplePrivate())
    ledger_.add(client, training_.privacy.noiseMultiplier, double(dpBatch(examples)) / double(examples),
                dpSteps(examples));
}

/// SGD on the gradients in .grad, with FedProx's pull to the global model (∇ of μ/2·‖x − x_global‖²).
void LocalTrainer::sgdStep() {
  torch::NoGradGuard noGrad;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!params_[i].grad().defined()) continue;
    auto g = params_[i].grad();
    if (proximal_) g = g + config_.mu * (params_[i] - global_[i]);
    params_[i].sub_(g, config_.localLr);
  }
}

LocalResult LocalTrainer::train(const EncodedSplit& data, const std::vector<long>& examples, size_t client, long round) {
  const uint64_t seed = training_.seed;
  torch::manual_seed(seed ^ (uint64_t(round) << 24) ^ (uint64_t(client) * 0x9e3779b9ULL));
  auto& model = objective_.module();
  model.train();
  LocalResult r;
  if (examplePrivate()) {
    const long n = long(examples.size());
    PrivateStepper dp(model, [this](const Batch& b) { return objective_.losses(b); }, training_.privacy, n, dpBatch(n), dpSteps(n),
                      seed ^ (uint64_t(round) << 32) ^ (uint64_t(client) * 0x9e3779b9ULL), device_);
    const auto index = torch::tensor(examples, torch::kLong);
    for (long step = 0, steps = dpSteps(n); step < steps; ++step) {
      for (auto& p : params_) p.mutable_grad() = torch::Tensor();
      const auto out = dp.computeGradients(data, index.index_select(0, dp.samplePoisson()));
      sgdStep();
      r.lossSum += out.lossSum;
      r.examples += out.examples;
    }
    return r;
  }
  for (int epoch = 0; epoch < config_.localEpochs; ++epoch) {
    const uint64_t order = seed ^ (uint64_t(round) << 20) ^ (uint64_t(client) << 4) ^ uint64_t(epoch);
    for (const auto& b : epochBatches(examples, config_.localBatchSize, true, order)) {
      const auto batch = makeBatch(data, b, device_);
      for (auto& p : params_) p.mutable_grad() = torch::Tensor();
      const auto loss = objective_.meanLoss(batch);
      loss.backward();
      sgdStep();
      r.lossSum += loss.item<double>() * double(b.size(0));
      r.examples += b.size(0);
    }
  }
  return r;
}

}  // namespace trustlab
