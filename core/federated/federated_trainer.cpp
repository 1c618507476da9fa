#include "federated/federated_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>

#include "federated/client_sampler.h"
#include "federated/client_selection.h"
#include "federated/distributed.h"
#include "federated/local_trainer.h"
#include "federated/server_optimizer.h"
#include "federated/system_model.h"
#include "federated/update_aggregator.h"
#include "federated/user_level_privacy.h"
#include "layers/tracked_layers.h"
#include "training/metrics.h"
#include "training/run_events.h"
#include "util/errors.h"

namespace trustlab {
namespace {

/// Which rank trains each of a round's clients: the largest first, each to the least loaded rank
/// so far (longest-processing-time order; every rank computes the same from the public sizes).
std::vector<int> shardByWork(const std::vector<long>& work, int world) {
  std::vector<int> owner(work.size(), 0);
  if (world <= 1) return owner;
  std::vector<size_t> order(work.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return work[a] > work[b]; });
  std::vector<long> load(size_t(world), 0);
  for (size_t c : order) {
    const auto least = size_t(std::min_element(load.begin(), load.end()) - load.begin());
    owner[c] = int(least);
    load[least] += work[c] + 1;  // + 1: a client's fixed cost
  }
  return owner;
}

/// What the ranks of a round add up besides the update sum.
struct RoundTotals {
  double lossSum = 0;
  long examples = 0;
  double unclipped = 0;  ///< user-level DP: clients whose update norm was within the clip
};

/// Sums the round's update and totals over the ranks; true when any rank was asked to stop (the
/// ranks stop together, after the same round: the others would wait for it in the next all-reduce).
bool reduceOverRanks(DistributedContext& d, std::vector<torch::Tensor>& sum, RoundTotals& t, bool stopHere) {
  d.allReduceSum(sum);
  std::vector<torch::Tensor> totals{
      torch::tensor({t.lossSum, double(t.examples), t.unclipped, stopHere ? 1.0 : 0.0}, torch::kDouble)};
  d.allReduceSum(totals);
  t.lossSum = totals[0][0].item<double>();
  t.examples = long(totals[0][1].item<double>());
  t.unclipped = totals[0][2].item<double>();
  return totals[0][3].item<double>() > 0;
}

/// What every round reports (step = round).
void emitRound(const RunEvents& events, const FederatedConfig& c, long round, const RoundTotals& t, size_t clients,
               const RoundTiming& timing, double clock, int period) {
  events.metric("train/loss", round, t.examples ? t.lossSum / double(t.examples) : 0);
  events.metric("fl/clients", round, double(clients));
  events.metric("fl/examples", round, double(t.examples));
  events.metric("fl/simulated_seconds", round, clock);
  events.metric("fl/dropped", round, timing.dropped);
  events.metric("fl/late", round, timing.late);
  if (c.periods > 1) events.metric("fl/period", round, period);
}

}  // namespace

FederatedTrainer::FederatedTrainer(ObjectivePtr objective, const TrainConfig& training, const FederatedConfig& config,
                                   long long runId)
    : objective_(std::move(objective)), training_(training), config_(config), events_(runId, training.device) {
  objective_->module().to(events_.device());
}

FederatedResult FederatedTrainer::fit(const EncodedSplit& train, const Partition& clients, const EncodedSplit& valid,
                                      const std::atomic<bool>* stop) {
  return fit(PartitionedClients(train, clients), valid, stop);
}

FederatedResult FederatedTrainer::fit(const ClientSource& clients, const EncodedSplit& valid,
                                      const std::atomic<bool>* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const auto emit = [this](const std::string& key, long step, double value) { events_.metric(key, step, value); };
  const uint64_t seed = training_.seed;
  FederatedResult result;
  result.participation.assign(clients.clients(), 0);
  ClientSampler sampler(config_, clients, seed);
  const SystemModel system(config_, seed);
  auto& model = objective_->module();
  const auto params = trainableParameters(model);
  std::vector<torch::Tensor> global;
  for (const auto& p : params) global.push_back(p.detach().clone());
  ServerOptimizer server(config_.algorithm, config_.serverLr, config_.beta1, config_.beta2, config_.tau);
  std::unique_ptr<UserLevelPrivacy> userDp;
  if (config_.userDp)
    userDp = std::make_unique<UserLevelPrivacy>(config_, training_.privacy, sampler.userLevelRate(), seed,
                                                events_.device());
  result.noiseMultiplier = userDp ? userDp->noiseMultiplier() : 0;
  // Several processes: the same selection everywhere, each rank trains its share of the clients.
  const auto distributed = DistributedContext::connect(rendezvous_ ? *rendezvous_ : Rendezvous::fromEnvironment());
  const int rank = distributed ? distributed->rank() : 0, world = distributed ? distributed->worldSize() : 1;
  if (distributed && config_.secureAggregation)
    throw InputError("federated.secure_aggregation", "is simulated in one process only (set processes to 1)");
  LocalTrainer local(*objective_, global, training_, config_, events_.device());
  UpdateAggregator aggregator(params, global, objective_->tokenEmbeddingTable(), config_.secureAggregation);
  std::mt19937_64 rng(seed ^ 0xfed5eedULL);
  double clock = 0;
  bool stopping = false;
  for (long round = 1; round <= config_.rounds; ++round) {
    if (distributed ? stopping : stop && stop->load()) {
      result.cancelled = true;
      break;
    }
    sampler.advance(round);  // the continual setting: the data of the round's period
    const auto& sizes = sampler.sizes();
    const auto workOf = [&](const std::vector<size_t>& c) {  // examples each client trains on
      std::vector<long> work;
      for (size_t k : c) work.push_back(sizes[k] * config_.localEpochs);
      return work;
    };
    const auto invited = sampler.invite(rng);
    const auto timing = system.simulate(invited, workOf(invited), config_.clientsPerRound, rng);
    clock += timing.seconds;
    const auto& selected = timing.reported;
    const auto weights = selected.empty() ? std::vector<double>{} : aggregationWeights(sizes, selected, config_.aggregation);
    auto joined = selected;
    joined.insert(joined.end(), timing.lateClients.begin(), timing.lateClients.end());
    aggregator.begin(round, joined, seed);
    RoundTotals totals;
    const auto owner = shardByWork(workOf(selected), world);
    for (size_t s = 0; s < selected.size(); ++s) {
      const size_t client = selected[s];
      result.participation[client]++;
      result.clientUpdates++;
      local.account(client, sizes[client]);
      if (owner[s] != rank) continue;  // another rank trains this client
      const auto examples = sampler.examples(client);
      const auto r = local.train(examples.data, examples.rows, client, round);
      totals.lossSum += r.lossSum;
      totals.examples += r.examples;
      double coefficient = weights[s];  // Σ w_k = 1; user-level DP: the clip factor instead
      if (userDp) {
        const double norm = aggregator.updateNorm();
        coefficient = userDp->clipFactor(norm);
        totals.unclipped += norm <= userDp->clip() ? 1 : 0;
      }
      // Without noise on the client only the embedding rows of its tokens moved.
      const auto tokens = local.examplePrivate() ? std::vector<int64_t>{} : tokensOf(examples.data.ids, examples.rows);
      aggregator.add(client, coefficient, local.examplePrivate() ? nullptr : &tokens);
    }
    if (distributed) stopping = reduceOverRanks(*distributed, aggregator.sum(), totals, stop && stop->load());
    aggregator.finish(round, selected.size(), timing.lateClients, emit);
    if (userDp) userDp->addNoise(aggregator.sum());
    if (userDp || !selected.empty()) server.step(global, aggregator.sum());  // nobody reported: the round is lost
    if (userDp) userDp->endRound(round, totals.unclipped, emit, [this](const PrivacyEvent& e) { events_.privacy(e); });
    {
      torch::NoGradGuard noGrad;
      for (size_t i = 0; i < params.size(); ++i) params[i].copy_(global[i]);
    }
    result.rounds = round;
    if (!std::isfinite(totals.lossSum))
      throw InputError("training", "the loss became NaN/inf in round " + std::to_string(round) + ": lower federated.local_lr");
    emitRound(events_, config_, round, totals, selected.size(), timing, clock, sampler.period());
    if (local.examplePrivate()) emit("privacy/example_epsilon_max", round, local.worstClientEpsilon());
    // Every rank holds the same global model; rank 0 reports on it.
    if (rank == 0 && valid.size() > 0 && (round % std::max(1, config_.evalEvery) == 0 || round == config_.rounds)) {
      for (const auto& [key, value] : objective_->evaluate(valid, 512, events_.device())) emit("valid/" + key, round, value);
    }
    const double seconds = elapsed();
    events_.progress({round, config_.rounds, int(round), config_.rounds, seconds,
                      seconds / double(round) * double(config_.rounds - round)});
  }
  model.eval();
  result.simulatedSeconds = clock;
  result.seconds = elapsed();
  return result;
}

}  // namespace trustlab
