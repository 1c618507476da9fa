#include "federated/federated_trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <random>

#include "federated/client_selection.h"
#include "federated/server_optimizer.h"
#include "training/metrics.h"
#include "util/errors.h"
#include "util/runtime.h"

namespace trustlab {
namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

FederatedTrainer::FederatedTrainer(TextClassifierPtr model, const TrainConfig& training, const FederatedConfig& config,
                                   long long runId)
    : model_(std::move(model)), training_(training), config_(config), runId_(runId),
      device_(parseDevice(training.device)) {
  model_->to(device_);
}

void FederatedTrainer::emitMetric(const std::string& key, long step, double value) {
  const MetricEvent e{runId_, key, step, value, now()};
  for (auto* o : observers_) o->onMetric(e);
}

FederatedResult FederatedTrainer::fit(const EncodedSplit& train, const Partition& clients, const EncodedSplit& valid,
                                      const std::atomic<bool>* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  FederatedResult result;
  result.participation.assign(clients.size(), 0);
  std::vector<long> sizes;
  for (const auto& c : clients) sizes.push_back(long(c.size()));
  auto params = model_->parameters();
  std::vector<torch::Tensor> global;
  for (const auto& p : params) global.push_back(p.detach().clone());
  ServerOptimizer server(config_.algorithm, config_.serverLr, config_.beta1, config_.beta2, config_.tau);
  const bool prox = config_.algorithm == "fedprox";
  std::mt19937_64 rng(training_.seed ^ 0xfed5eedULL);
  for (long round = 1; round <= config_.rounds; ++round) {
    if (stop && stop->load()) {
      result.cancelled = true;
      break;
    }
    const auto selected = selectClients(sizes, config_.clientsPerRound, config_.selection, rng);
    const auto weights = aggregationWeights(sizes, selected, config_.aggregation);
    std::vector<torch::Tensor> delta;
    for (const auto& g : global) delta.push_back(torch::zeros_like(g));
    double lossSum = 0;
    long seen = 0;
    for (size_t s = 0; s < selected.size(); ++s) {
      const auto& mine = clients[selected[s]];
      {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < params.size(); ++i) params[i].copy_(global[i]);
      }
      model_->train();
      const auto index = torch::tensor(mine, torch::kLong);
      for (int epoch = 0; epoch < config_.localEpochs; ++epoch) {
        const uint64_t order = training_.seed ^ (uint64_t(round) << 20) ^ (uint64_t(selected[s]) << 4) ^ uint64_t(epoch);
        for (const auto& b : epochBatches(long(mine.size()), config_.localBatchSize, true, order)) {
          const auto batch = makeBatch(train, index.index_select(0, b), device_);
          for (auto& p : params) p.mutable_grad() = torch::Tensor();
          const auto loss = torch::nn::functional::cross_entropy(model_->forward(batch.ids, batch.lengths), batch.labels);
          loss.backward();
          torch::NoGradGuard noGrad;
          for (size_t i = 0; i < params.size(); ++i) {
            if (!params[i].grad().defined()) continue;
            auto g = params[i].grad();
            if (prox) g = g + config_.mu * (params[i] - global[i]);  // ∇ of μ/2·‖x − x_global‖²
            params[i].sub_(g, config_.localLr);
          }
          lossSum += loss.item<double>() * double(b.size(0));
          seen += b.size(0);
        }
      }
      {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < params.size(); ++i) delta[i].add_(params[i] - global[i], weights[s]);
      }
      result.participation[selected[s]]++;
      result.clientUpdates++;
    }
    server.step(global, delta);
    {
      torch::NoGradGuard noGrad;
      for (size_t i = 0; i < params.size(); ++i) params[i].copy_(global[i]);
    }
    result.rounds = round;
    if (!std::isfinite(lossSum))
      throw InputError("training", "the loss became NaN/inf in round " + std::to_string(round) + ": lower federated.local_lr");
    emitMetric("train/loss", round, seen ? lossSum / double(seen) : 0);
    emitMetric("fl/clients", round, double(selected.size()));
    emitMetric("fl/examples", round, double(seen));
    if (valid.size() > 0 && (round % std::max(1, config_.evalEvery) == 0 || round == config_.rounds)) {
      const auto r = evaluate(*model_, valid, 512, device_);
      emitMetric("valid/loss", round, r.loss);
      emitMetric("valid/accuracy", round, r.accuracy);
      emitMetric("valid/macro_f1", round, r.macroF1);
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const ProgressEvent pe{round, config_.rounds, int(round), config_.rounds, elapsed,
                           elapsed / double(round) * double(config_.rounds - round)};
    for (auto* o : observers_) o->onProgress(pe);
  }
  model_->eval();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace trustlab
