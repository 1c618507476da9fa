#include "fl_suite.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include <sys/resource.h>

#include "../cli/args.h"
#include "data/batching.h"
#include "federated/client_source.h"
#include "federated/federated_trainer.h"
#include "models/model_factory.h"
#include "peak_memory.h"
#include "suite_help.h"
#include "timing.h"
#include "util/errors.h"
#include "util/runtime.h"

namespace trustlab::bench {
namespace {

/// Sums the examples trained per round (what the centralised baseline must match).
struct ExampleCounter : TrainingObserver {
  double examples = 0;
  void onMetric(const MetricEvent& e) override {
    if (e.key == "fl/examples") examples += e.value;
  }
};

/// Centralised SGD over exactly the batches the federated run trained: each client's examples in
/// batches of at most B, as many times as it took part: the same gradient work without federation
/// (no per-client reset, no aggregation, no server step; the clients' examples generated alike).
void trainSameBatchesCentrally(TextClassifierImpl& model, const ClientSource& clients,
                               const std::vector<long>& participation, long batch, double lr) {
  auto params = model.parameters();
  model.train();
  for (size_t k = 0; k < clients.clients(); ++k) {
    if (participation[k] == 0) continue;
    const auto c = clients.examples(k);
    for (long times = 0; times < participation[k]; ++times)
      for (size_t start = 0; start < c.rows.size(); start += size_t(batch)) {
        const std::vector<long> rows(c.rows.begin() + long(start),
                                     c.rows.begin() + long(std::min(c.rows.size(), start + size_t(batch))));
        const auto b = makeBatch(c.data, torch::tensor(rows, torch::kLong), torch::kCPU);
        for (auto& p : params) p.mutable_grad() = torch::Tensor();
        torch::nn::functional::cross_entropy(model.forward(b.ids, b.lengths), b.labels).backward();
        torch::NoGradGuard noGrad;
        for (auto& p : params)
          if (p.grad().defined()) p.sub_(p.grad(), lr);
      }
  }
}

/// The process's peak resident memory (all of it: the population's bookkeeping, not only tensors).
int64_t maxResidentBytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return int64_t(u.ru_maxrss) * 1024;
}

}  // namespace

int flSuite(const std::vector<std::string>& argv) {
  const cli::Args a(argv, {"population", "clients-per-round", "rounds", "mean-examples", "model", "dim", "seq-len",
                           "vocab", "classes", "local-batch", "threads", "repeat"},
                    {"json"}, bench::suiteHelp("fl", "Federated rounds per second against centralised steps."));
  const long population = a.getLong("population", 10000), perRound = a.getLong("clients-per-round", 100);
  const long rounds = a.getLong("rounds", 5), seqLen = a.getLong("seq-len", 16), vocab = a.getLong("vocab", 5000);
  const long classes = a.getLong("classes", 20), batch = a.getLong("local-batch", 16);
  const double meanExamples = a.getDouble("mean-examples", 10);
  const long repeats = a.getLong("repeat", 5);
  if (population < 1 || perRound < 1 || rounds < 1 || seqLen < 1 || vocab < 3 || classes < 2 || batch < 1 ||
      !(meanExamples >= 1) || repeats < 1)
    throw InputError("trustlab-bench fl", "sizes must be positive (vocab ≥ 3, classes ≥ 2, mean-examples ≥ 1, repeat ≥ 1)");
  const int threads = configureThreads(int(a.getLong("threads", 0)));
  PeakMemory::installCpuCounter();
  // Heavy-tailed client sizes (log-normal, σ = 1, mean `meanExamples`), each client's examples
  // generated when a round trains it: memory stays flat in the population.
  const SyntheticClients clients({population, meanExamples, seqLen, vocab, classes, 1});
  long n = 0;
  for (size_t k = 0; k < clients.clients(); ++k) n += clients.count(k);
  torch::manual_seed(0);
  ModelConfig mc;
  mc.type = a.get("model", "bag");
  mc.embeddingDim = a.getLong("dim", 64);
  TrainConfig t;
  FederatedConfig f;
  f.enabled = true;
  f.partition = "natural";
  f.rounds = int(rounds);
  f.clientsPerRound = int(perRound);
  f.localBatchSize = batch;
  f.selection = "uniform";
  // Warm-up, untimed: a process's first rounds pay for the allocator's and the thread pool's start,
  // which would otherwise be charged to whichever measurement runs first.
  {
    auto warm = f;
    warm.rounds = 2;
    FederatedTrainer(makeClassifier(mc, vocab, classes, seqLen), t, warm).fit(clients, {});
  }
  // Federated run and its centralised twins alternate `repeats` times and the medians are
  // reported: a slow moment of the machine then hits both sides instead of one ratio.
  std::vector<double> flTimes, centralTimes, sameBatchesTimes, ratios, fullRatios;
  double examplesPerRound = 0;
  int64_t peak = 0;
  for (long rep = 0; rep < repeats; ++rep) {
    ExampleCounter counted;
    PeakMemory::reset(torch::kCPU);
    FederatedTrainer federated(makeClassifier(mc, vocab, classes, seqLen), t, f);
    federated.addObserver(&counted);
    FederatedResult trained;
    flTimes.push_back(secondsOf([&] { trained = federated.fit(clients, {}); }));
    peak = std::max<int64_t>(peak, PeakMemory::peak(torch::kCPU));
    examplesPerRound = counted.examples / double(rounds);
    // The same number of examples, one "client" holding them: the same step code, no federation.
    const long k = std::max(1L, std::lround(examplesPerRound));
    const EncodedSplit pooled{torch::randint(2, vocab, {k, seqLen}, torch::kLong), torch::full({k}, seqLen, torch::kLong),
                              torch::randint(0, classes, {k}, torch::kLong)};
    Partition central(1, std::vector<long>(size_t(k)));
    std::iota(central[0].begin(), central[0].end(), 0L);
    auto oneClient = f;
    oneClient.clientsPerRound = 1;
    FederatedTrainer centralised(makeClassifier(mc, vocab, classes, seqLen), t, oneClient);
    centralTimes.push_back(secondsOf([&] { centralised.fit(pooled, central, {}); }));
    auto sameBatchesModel = makeClassifier(mc, vocab, classes, seqLen);
    sameBatchesTimes.push_back(secondsOf(
        [&] { trainSameBatchesCentrally(*sameBatchesModel, clients, trained.participation, batch, f.localLr); }));
    ratios.push_back(flTimes.back() / sameBatchesTimes.back());
    fullRatios.push_back(flTimes.back() / centralTimes.back());
  }
  const double flSeconds = median(flTimes);
  const nlohmann::json r = {{"suite", "fl"},
                            {"population", population},
                            {"clients_per_round", perRound},
                            {"rounds", rounds},
                            {"examples", n},
                            {"examples_per_round", std::lround(examplesPerRound)},
                            {"repeats", repeats},
                            {"model", mc.type},
                            {"threads", threads},
                            {"rounds_per_second", double(rounds) / flSeconds},
                            {"centralized_seconds_per_round", median(sameBatchesTimes) / double(rounds)},
                            {"overhead_vs_centralized", median(ratios)},
                            {"overhead_vs_centralized_range", {*std::min_element(ratios.begin(), ratios.end()),
                                                               *std::max_element(ratios.begin(), ratios.end())}},
                            {"centralized_full_batches_seconds_per_round", median(centralTimes) / double(rounds)},
                            {"overhead_vs_centralized_full_batches", median(fullRatios)},
                            {"peak_memory_bytes", peak},
                            {"max_resident_bytes", maxResidentBytes()}};
  std::cout << (a.has("json") ? r.dump() : r.dump(2)) << std::endl;
  return 0;
}

}  // namespace trustlab::bench
