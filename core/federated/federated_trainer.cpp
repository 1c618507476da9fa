#include "federated/federated_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>

#include "federated/client_privacy_ledger.h"
#include "federated/client_selection.h"
#include "federated/distributed.h"
#include "federated/secure_aggregation.h"
#include "federated/server_optimizer.h"
#include "federated/system_model.h"
#include "privacy/adaptive_clipping.h"
#include "privacy/calibration.h"
#include "privacy/gaussian_noise.h"
#include "privacy/rdp.h"
#include "training/metrics.h"
#include "training/private_stepper.h"
#include "util/errors.h"
#include "util/runtime.h"

namespace trustlab {
namespace {

/// Each client's examples in `periods` consecutive parts (in a seeded random order: when the
/// data has no timestamps, arrival order is a shuffle).
std::vector<Partition> splitIntoPeriods(const Partition& clients, int periods, uint64_t seed) {
  std::vector<Partition> out(size_t(std::max(1, periods)), Partition(clients.size()));
  std::mt19937_64 rng(seed ^ 0xc0171ULL);
  for (size_t k = 0; k < clients.size(); ++k) {
    auto order = clients[k];
    if (periods > 1) std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i < order.size(); ++i) out[i * out.size() / order.size()][k].push_back(order[i]);
  }
  return out;
}

/// What each client holds in `period`: its last `buffer` parts up to it.
Partition dataAt(const std::vector<Partition>& periods, int period, int buffer) {
  Partition out(periods.front().size());
  for (int t = std::max(0, period - std::max(1, buffer) + 1); t <= period; ++t)
    for (size_t k = 0; k < out.size(); ++k)
      out[k].insert(out[k].end(), periods[size_t(t)][k].begin(), periods[size_t(t)][k].end());
  return out;
}

/// sum += scale·(x − g) in float64 and x = g again: one client's update taken and the worker model
/// reset for the next client. With `rows` only those rows of a table change (the token embeddings
/// a client's texts use: plain local SGD leaves the others exactly at g), so only they are touched;
/// a round of small clients would otherwise spend most of its time on the dense table.
void accumulateAndReset(torch::Tensor& sum, torch::Tensor& x, const torch::Tensor& g, double scale,
                        const std::vector<int64_t>* rows = nullptr) {
  torch::NoGradGuard noGrad;
  const bool small = x.numel() <= (1 << 16);
  if ((rows || small) && x.is_cpu() && x.scalar_type() == torch::kFloat && x.is_contiguous() && g.is_contiguous() &&
      sum.is_contiguous()) {
    // Scattered rows or a small tensor: a plain loop beats a chain of dispatched tensor ops
    // (index_add_/index_copy_ even dispatch per row). A small tensor is one row.
    const int64_t width = rows ? x.numel() / x.size(0) : x.numel();
    double* s = sum.data_ptr<double>();
    float* xp = x.data_ptr<float>();
    const float* gp = g.data_ptr<float>();
    const std::vector<int64_t> whole{0};
    for (int64_t r : rows ? *rows : whole)
      for (int64_t j = r * width, end = j + width; j < end; ++j) {
        s[j] += scale * (double(xp[j]) - double(gp[j]));
        xp[j] = gp[j];
      }
    return;
  }
  if (rows) {
    const auto r = torch::tensor(*rows, torch::kLong).to(x.device());
    const auto kept = g.index_select(0, r);
    sum.index_add_(0, r, (x.index_select(0, r) - kept).to(torch::kDouble).mul_(scale));
    x.index_copy_(0, r, kept);
    return;
  }
  sum.add_((x - g).to(torch::kDouble), scale);
  x.copy_(g);
}

/// The distinct token ids in the rows `examples` of `ids` (the embedding rows a client can move).
std::vector<int64_t> tokensOf(const torch::Tensor& ids, const std::vector<long>& examples) {
  std::vector<int64_t> out;
  if (ids.is_cpu() && ids.is_contiguous()) {  // a few hundred ids: sorting them beats tensor ops
    const int64_t* p = ids.data_ptr<int64_t>();
    const int64_t width = ids.size(1);
    for (long e : examples) out.insert(out.end(), p + e * width, p + (e + 1) * width);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  const auto u = std::get<0>(torch::_unique(ids.index_select(0, torch::tensor(examples, torch::kLong).to(ids.device())).flatten())).cpu();
  return {u.data_ptr<int64_t>(), u.data_ptr<int64_t>() + u.numel()};
}

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

}  // namespace

FederatedTrainer::FederatedTrainer(TextClassifierPtr model, const TrainConfig& training, const FederatedConfig& config,
                                   long long runId)
    : model_(std::move(model)), training_(training), config_(config), runId_(runId),
      device_(parseDevice(training.device)) {
  model_->to(device_);
}

void FederatedTrainer::emitMetric(const std::string& key, long step, double value) {
  const MetricEvent e{runId_, key, step, value, unixSeconds()};
  for (auto* o : observers_) o->onMetric(e);
}

FederatedResult FederatedTrainer::fit(const EncodedSplit& train, const Partition& clients, const EncodedSplit& valid,
                                      const std::atomic<bool>* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  FederatedResult result;
  result.participation.assign(clients.size(), 0);
  const auto periods = splitIntoPeriods(clients, config_.periods, training_.seed);
  const SystemModel system(config_, clients.size(), training_.seed);
  double clock = 0;
  int period = -1;
  Partition current;
  std::vector<long> sizes;
  auto params = model_->parameters();
  const auto table = model_->tokenEmbeddingTable();
  std::vector<torch::Tensor> global;
  for (const auto& p : params) global.push_back(p.detach().clone());
  ServerOptimizer server(config_.algorithm, config_.serverLr, config_.beta1, config_.beta2, config_.tau);
  // User-level DP: σ from the target ε (or given), one composition per round. Uniform selection:
  // q = K / population. Activity selection is Poisson with q_k = min(1, n_k / activity_cap) (a
  // public constant, so no client's rate depends on another's data); every client's account is
  // bounded by that of the largest q_k over all periods.
  const bool poissonActivity = config_.userDp && config_.selection == "activity";
  // The rates the rounds invite with are the rates accounted: one formula for both.
  const auto invitationRates = [&](const std::vector<long>& n) {
    return activityRates(n, config_.activityCap / (1 + config_.overSelection));
  };
  std::vector<double> rates;  // this period's invitation rates (Poisson activity selection)
  double q = std::min(1.0, double(config_.clientsPerRound) / double(std::max<size_t>(1, clients.size())));
  if (poissonActivity) {
    if (!(config_.activityCap > 0)) {
      long total = 0;
      for (const auto& c : clients) total += long(c.size());
      throw InputError("federated.activity_cap",
                       "user-level DP with activity selection needs a public cap (q_k = min(1, n_k / cap)); "
                       "e.g. " + std::to_string(std::max(1L, total / std::max(1, config_.clientsPerRound))) +
                           " selects about " + std::to_string(config_.clientsPerRound) + " clients a round here");
    }
    q = 0;  // the largest invitation rate of any client in any period (over-selection included)
    for (int t = 0; t < std::max(1, config_.periods); ++t) {
      std::vector<long> n;
      for (const auto& c : dataAt(periods, t, config_.bufferPeriods)) n.push_back(long(c.size()));
      for (double r : invitationRates(n)) q = std::max(q, r);
    }
  }
  double sigma = config_.userNoiseMultiplier;
  std::vector<double> rdpPerRound;
  if (config_.userDp) {
    if (config_.aggregation != "equal")
      throw InputError("federated.user_dp", "needs equal aggregation weights (the clip bounds each client's share)");
    if (config_.userTargetEpsilon > 0)
      sigma = calibrateNoise(config_.userTargetEpsilon, training_.privacy.delta, q, config_.rounds,
                             training_.privacy.accountant)
                  .noiseMultiplier;
    rdpPerRound = rdpOfHistory({{sigma, q, 1}}, defaultRdpOrders());
  }
  double clip = config_.userClip, sigmaUpdate = sigma, sigmaCount = 0;
  if (config_.userDp && config_.userAdaptiveClip) {
    sigmaCount = double(config_.clientsPerRound) / 20;
    sigmaUpdate = updateNoiseAfterCount(sigma, sigmaCount);
    if (std::isnan(sigmaUpdate))
      throw InputError("federated.user_adaptive_clip", "σ = " + std::to_string(sigma) +
                                                           " leaves no budget for the count: use more clients per round");
  }
  std::mt19937_64 countRng(training_.privacy.secure ? osRandomSeed() : training_.seed ^ 0xc047ULL);
  result.noiseMultiplier = config_.userDp ? sigma : 0;
  // Several processes: the same selection everywhere, each rank trains its share of the clients.
  const auto distributed = DistributedContext::connect(rendezvous_ ? *rendezvous_ : Rendezvous::fromEnvironment());
  const int rank = distributed ? distributed->rank() : 0, world = distributed ? distributed->worldSize() : 1;
  if (distributed && config_.secureAggregation)
    throw InputError("federated.secure_aggregation", "is simulated in one process only (set processes to 1)");
  GaussianNoise noise(training_.privacy.secure ? osRandomSeed() : training_.seed ^ 0x05e7ULL, device_);
  const bool prox = config_.algorithm == "fedprox";
  // Example-level eDP-SGD on the clients: σ is given (the spec rejects a target ε: each client's ε
  // follows from its own q_k and participation) and the worst client's ε is reported.
  const bool exampleDp = training_.privacy.enabled();
  ClientPrivacyLedger exampleLedger(training_.privacy.delta);
  std::mt19937_64 rng(training_.seed ^ 0xfed5eedULL);
  std::vector<torch::Tensor> delta;  // the round's update sum
  // Several processes stop together, after the round in which any of them was asked to: the
  // others would wait for it in the next all-reduce.
  bool stopping = false;
  for (long round = 1; round <= config_.rounds; ++round) {
    if (distributed ? stopping : stop && stop->load()) {
      result.cancelled = true;
      break;
    }
    // Continual setting: the data of the round's period (and of the buffered ones before it).
    const int p = int((round - 1) * config_.periods / config_.rounds);
    if (p != period) {
      period = p;
      current = dataAt(periods, period, config_.bufferPeriods);
      sizes.clear();
      for (const auto& c : current) sizes.push_back(long(c.size()));
      if (poissonActivity) rates = invitationRates(sizes);
    }
    const int wanted = config_.clientsPerRound;
    const auto invited =
        poissonActivity
            ? selectPoisson(rates, rng)
            : selectClients(sizes, int(std::ceil(wanted * (1 + config_.overSelection))), config_.selection, rng);
    const auto workOf = [&](const std::vector<size_t>& clients) {  // examples each client trains on
      std::vector<long> work;
      for (size_t c : clients) work.push_back(sizes[c] * config_.localEpochs);
      return work;
    };
    const auto timing = system.simulate(invited, workOf(invited), wanted, rng);
    clock += timing.seconds;
    const auto& selected = timing.reported;
    const auto weights = selected.empty() ? std::vector<double>{} : aggregationWeights(sizes, selected, config_.aggregation);
    // In float64: the sum must not depend on the order clients are added in (or on which rank
    // added them), so that 1 and N processes give the same model. Allocated once: a fresh
    // multi-megabyte buffer each round costs page faults that a small round notices.
    if (delta.empty())
      for (const auto& g : global) delta.push_back(torch::zeros_like(g, torch::kDouble));
    else
      for (auto& d : delta) d.zero_();
    double lossSum = 0, unclipped = 0;  // unclipped: clients whose update norm was within the clip
    long seen = 0;
    // Secure aggregation: everyone who joined the key exchange (reported or late) holds masks.
    std::unique_ptr<SecureAggregator> secure;
    if (config_.secureAggregation) {
      auto joined = selected;
      joined.insert(joined.end(), timing.lateClients.begin(), timing.lateClients.end());
      secure = std::make_unique<SecureAggregator>(joined, global, training_.seed ^ (uint64_t(round) << 32));
    }
    const auto owner = shardByWork(workOf(selected), world);
    bool atGlobal = true;  // the worker model holds the global parameters (reset at the end of each round)
    for (size_t s = 0; s < selected.size(); ++s) {
      result.participation[selected[s]]++;
      result.clientUpdates++;
      const auto& mine = current[selected[s]];
      // Example-level DP: Poisson batches of expected size B over the client's n_k examples,
      // ≈ n_k/B steps an epoch, booked at q_k = B/n_k (on every rank: the ledger is shared).
      const long localExamples = long(mine.size()), dpBatch = std::min(config_.localBatchSize, localExamples);
      const long dpSteps = long(config_.localEpochs) * std::max(1L, long(std::llround(double(localExamples) / double(dpBatch))));
      if (exampleDp) exampleLedger.add(selected[s], training_.privacy.noiseMultiplier, double(dpBatch) / double(localExamples), dpSteps);
      if (owner[s] != rank) continue;  // another rank trains this client
      // Dropout draws from a stream of this client and round only: the same on whichever rank trains it.
      torch::manual_seed(training_.seed ^ (uint64_t(round) << 24) ^ (uint64_t(selected[s]) * 0x9e3779b9ULL));
      if (!atGlobal) {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < params.size(); ++i) params[i].copy_(global[i]);
      }
      atGlobal = false;
      model_->train();
      const auto localStep = [&] {  // SGD on the gradients in .grad, with FedProx's pull to the global model
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < params.size(); ++i) {
          if (!params[i].grad().defined()) continue;
          auto g = params[i].grad();
          if (prox) g = g + config_.mu * (params[i] - global[i]);  // ∇ of μ/2·‖x − x_global‖²
          params[i].sub_(g, config_.localLr);
        }
      };
      if (exampleDp) {
        PrivateStepper dp(*model_, training_.privacy, localExamples, dpBatch, dpSteps,
                          training_.seed ^ (uint64_t(round) << 32) ^ (uint64_t(selected[s]) * 0x9e3779b9ULL), device_);
        const auto index = torch::tensor(mine, torch::kLong);
        for (long step = 0; step < dpSteps; ++step) {
          for (auto& p : params) p.mutable_grad() = torch::Tensor();
          const auto r = dp.computeGradients(train, index.index_select(0, dp.samplePoisson()));
          localStep();
          lossSum += r.lossSum;
          seen += r.examples;
        }
      } else {
        for (int epoch = 0; epoch < config_.localEpochs; ++epoch) {
          const uint64_t order = training_.seed ^ (uint64_t(round) << 20) ^ (uint64_t(selected[s]) << 4) ^ uint64_t(epoch);
          for (const auto& b : epochBatches(mine, config_.localBatchSize, true, order)) {
            const auto batch = makeBatch(train, b, device_);
            for (auto& p : params) p.mutable_grad() = torch::Tensor();
            const auto loss = torch::nn::functional::cross_entropy(model_->forward(batch.ids, batch.lengths), batch.labels);
            loss.backward();
            localStep();
            lossSum += loss.item<double>() * double(b.size(0));
            seen += b.size(0);
          }
        }
      }
      {
        torch::NoGradGuard noGrad;
        double clipFactor = 1;
        if (config_.userDp) {
          // Σ clip(x_k − x): the update's norm over all parameters, scaled down to at most S.
          double sq = 0;
          for (size_t i = 0; i < params.size(); ++i) sq += std::pow(torch::dist(params[i], global[i]).item<double>(), 2);
          clipFactor = std::min(1.0, clip / std::max(std::sqrt(sq), 1e-12));
          unclipped += std::sqrt(sq) <= clip ? 1 : 0;
        }
        if (secure) {
          // The upload: the same contribution, masked; the server only ever sees the sum.
          std::vector<torch::Tensor> contribution;
          for (size_t i = 0; i < params.size(); ++i)
            contribution.push_back((params[i] - global[i]) * (config_.userDp ? clipFactor : weights[s]));
          secure->add(selected[s], contribution);
        } else {
          // Δ = Σ c_k·(x_k − x) (user DP: the clip factors; else the aggregation weights, Σ w_k = 1).
          // Without noise on the client only the embedding rows of its tokens moved.
          const auto rows = exampleDp ? std::vector<int64_t>{} : tokensOf(train.ids, mine);
          for (size_t i = 0; i < params.size(); ++i)
            accumulateAndReset(delta[i], params[i], global[i], config_.userDp ? clipFactor : weights[s],
                               !exampleDp && params[i].is_same(table) ? &rows : nullptr);
          atGlobal = true;
        }
      }
    }
    if (distributed) {
      distributed->allReduceSum(delta);
      const double stopHere = stop && stop->load() ? 1 : 0;
      std::vector<torch::Tensor> totals{torch::tensor({lossSum, double(seen), unclipped, stopHere}, torch::kDouble)};
      distributed->allReduceSum(totals);
      lossSum = totals[0][0].item<double>();
      seen = long(totals[0][1].item<double>());
      unclipped = totals[0][2].item<double>();
      stopping = totals[0][3].item<double>() > 0;
    }
    if (secure) {
      const auto sum = secure->sum(timing.lateClients);
      for (size_t i = 0; i < delta.size(); ++i) delta[i].copy_(sum[i]);
      const double plain = double(selected.size()) * double(secure->elementCount()) * 4;
      emitMetric("fl/secagg_overhead_bytes", round, secure->overheadBytes(timing.lateClients.size()));
      if (plain > 0) emitMetric("fl/secagg_overhead_ratio", round, secure->overheadBytes(timing.lateClients.size()) / plain);
    }
    if (config_.userDp) {
      // The noise is added even when nobody reported: what is released must not depend on it.
      for (auto& d : delta) noise.addTo(d, sigmaUpdate * clip, 1.0 / double(config_.clientsPerRound));
      server.step(global, delta);
      emitMetric("privacy/user_clip", round, clip);
      if (config_.userAdaptiveClip) {
        // Geometric step towards the target quantile from the privately counted unclipped share.
        const double noisyCount = unclipped + sigmaCount * std::normal_distribution<double>(0, 1)(countRng);
        clip = nextClipNorm(clip, noisyCount, double(config_.clientsPerRound), config_.userTargetQuantile,
                            config_.userClipLr);
      }
      const double eps = rdpEpsilonAfterSteps(rdpPerRound, round, training_.privacy.delta).epsilon;
      emitMetric("privacy/epsilon", round, eps);
      const PrivacyEvent e{round, sigma, q, eps, training_.privacy.delta, "rdp"};
      for (auto* o : observers_) o->onPrivacy(e);
    } else if (!selected.empty()) {  // nobody reported: the round is lost
      server.step(global, delta);
    }
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
    emitMetric("fl/simulated_seconds", round, clock);
    emitMetric("fl/dropped", round, timing.dropped);
    emitMetric("fl/late", round, timing.late);
    if (config_.periods > 1) emitMetric("fl/period", round, period);
    if (exampleDp) emitMetric("privacy/example_epsilon_max", round, exampleLedger.worstEpsilon());
    // Every rank holds the same global model; rank 0 reports on it.
    if (rank == 0 && valid.size() > 0 && (round % std::max(1, config_.evalEvery) == 0 || round == config_.rounds)) {
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
  result.simulatedSeconds = clock;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace trustlab
