// Tests the federated simulation: partitions conserve every example and Dirichlet α orders label
// entropy; selection frequencies match their probabilities; FedAvg with one client and one local
// step is centralised SGD; FedProx with μ = 0 is FedAvg; FedAdam's server step has the known value;
// the system model drops late and unavailable clients; continual rounds see only their period
// (each client's periods disjoint and complete); synthetic clients are the same on every fetch and
// a million of them are fetched only when trained;
// user-level DP clips exactly and accounts; example-level DP is booked per client; k-means
// clusters recover planted topics; secure-aggregation masks cancel exactly; the rendezvous is read
// from the environment and local ranks start with it and report their failures; a word language
// model learns next-word prediction federated (its held-out perplexity each round), with
// secure aggregation changing nothing, user-level DP clipping its clients' updates exactly, and
// eDP-SGD on its clients.
#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "data/batching.h"
#include "federated/client_privacy_ledger.h"
#include "federated/client_sampler.h"
#include "federated/client_source.h"
#include "federated/client_selection.h"
#include "federated/federated_trainer.h"
#include "federated/local_ranks.h"
#include "federated/partition.h"
#include "federated/rendezvous.h"
#include "federated/secure_aggregation.h"
#include "federated/server_optimizer.h"
#include "federated/system_model.h"
#include "models/causal_lm.h"
#include "models/model_factory.h"
#include "training/next_word_objective.h"
#include "privacy/rdp.h"
#include "util/errors.h"

using namespace trustlab;

static bool near(double a, double b) { return std::abs(a - b) < 1e-12; }

/// Keeps every metric value by key.
struct RecordingObserver : TrainingObserver {
  std::map<std::string, std::vector<double>> values;
  void onMetric(const MetricEvent& e) override { values[e.key].push_back(e.value); }
};

class TestFederated : public QObject {
  Q_OBJECT

  static std::vector<long> labels(long n, int classes, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<long> y;
    for (long i = 0; i < n; ++i) y.push_back(long(rng() % uint64_t(classes)));
    return y;
  }
  static void requireCovers(const Partition& p, long n) {
    std::set<long> seen;
    long total = 0;
    for (const auto& c : p) {
      QVERIFY(!c.empty());
      for (long i : c) seen.insert(i);
      total += long(c.size());
    }
    QCOMPARE(total, n);
    QCOMPARE(long(seen.size()), n);
  }
  static EncodedSplit toySplit(long n, uint64_t seed) {
    torch::manual_seed(seed);
    return {torch::randint(2, 50, {n, 6}, torch::kLong), torch::randint(1, 7, {n}, torch::kLong),
            torch::randint(0, 3, {n}, torch::kLong)};
  }
  /// Synthetic clients shaped for toyModel().
  static SyntheticClientsOptions toyPopulation(long population) {
    SyntheticClientsOptions o;
    o.population = population;
    o.seqLen = 6;
    o.vocab = 50;
    o.classes = 3;
    return o;
  }
  static TextClassifierPtr toyModel() {
    torch::manual_seed(5);
    ModelConfig c;
    c.type = "bag";
    c.embeddingDim = 8;
    c.dropout = 0;
    return makeClassifier(c, 50, 3, 6);
  }
  /// ‖global step‖ of one user-level DP round without noise, one client holding all of `data`:
  /// exactly the clip (1e-3) when the update was larger.
  static double clippedStepNorm(const ObjectivePtr& objective, const EncodedSplit& data, FederatedConfig f) {
    f.aggregation = "equal";
    f.userDp = true;
    f.userClip = 1e-3;
    f.userNoiseMultiplier = 0;
    std::vector<torch::Tensor> before;
    for (const auto& p : objective->module().parameters()) before.push_back(p.detach().clone());
    Partition one(1);
    for (long i = 0; i < data.size(); ++i) one[0].push_back(i);
    FederatedTrainer(objective, TrainConfig{}, f).fit(data, one, {});
    double sq = 0;
    const auto after = objective->module().parameters();
    for (size_t i = 0; i < after.size(); ++i) sq += (after[i] - before[i]).pow(2).sum().item<double>();
    return std::sqrt(sq);
  }
  static FederatedConfig oneRound(const std::string& algorithm, long batch) {
    FederatedConfig f;
    f.enabled = true;
    f.rounds = 1;
    f.clientsPerRound = 1;
    f.localEpochs = 1;
    f.localBatchSize = batch;
    f.localLr = 0.1;
    f.algorithm = algorithm;
    f.mu = 0;
    return f;
  }

 private Q_SLOTS:
  void partitionsConserveExamples() {
    const auto y = labels(1000, 5, 1);
    requireCovers(partitionIid(1000, 37, 1), 1000);
    requireCovers(partitionDirichletLabels(y, 20, 0.5, 2), 1000);
    requireCovers(partitionDirichletQuantity(1000, 20, 0.5, 3), 1000);
    requireCovers(partitionLogNormalQuantity(1000, 20, 1.5, 3), 1000);
    requireCovers(partitionByUser({"a", "b", "a", "c"}), 4);
    QCOMPARE(partitionByUser({"a", "b", "a", "c"}).size(), size_t(3));
    QVERIFY_THROWS_EXCEPTION(std::exception, partitionByUser({"a", ""}));
  }
  void dirichletAlphaOrdersLabelEntropy() {
    const auto y = labels(5000, 10, 2);
    double previous = -1;
    for (double alpha : {0.1, 1.0, 10.0}) {
      const auto s = partitionStats(partitionDirichletLabels(y, 50, alpha, 7), y);
      QVERIFY2(s.meanEntropy > previous + 0.2, qPrintable(QString("α %1: %2 bits").arg(alpha).arg(s.meanEntropy)));
      previous = s.meanEntropy;
      QCOMPARE(s.sizes.front(), 100L);  // FedNLP label skew keeps sizes equal
    }
    QVERIFY(previous < std::log2(10.0) + 1e-9);
    // Quantity skew: small α gives unequal sizes.
    QVERIFY(partitionStats(partitionDirichletQuantity(5000, 50, 0.1, 1), y).giniOfSizes >
            partitionStats(partitionDirichletQuantity(5000, 50, 10, 1), y).giniOfSizes + 0.3);
    // Log-normal sizes: σ = 0 is equal sizes, a larger σ a heavier tail.
    QVERIFY(partitionStats(partitionLogNormalQuantity(5000, 50, 0, 1), y).giniOfSizes < 0.01);
    QVERIFY(partitionStats(partitionLogNormalQuantity(5000, 50, 2, 1), y).giniOfSizes >
            partitionStats(partitionLogNormalQuantity(5000, 50, 0.5, 1), y).giniOfSizes + 0.3);
  }
  void clustersRecoverPlantedTopics() {
    // Three topics with disjoint words: k-means must put each topic in one cluster of its own.
    const std::vector<std::vector<std::string>> topics = {
        {"rain", "snow", "wind", "cloud", "storm"}, {"song", "album", "play", "music", "band"},
        {"pizza", "order", "table", "dinner", "menu"}};
    std::mt19937_64 rng(4);
    std::vector<std::string> texts;
    std::vector<long> truth;
    for (int i = 0; i < 300; ++i) {
      const int t = i % 3;
      std::string text;
      for (int w = 0; w < 4; ++w) text += topics[size_t(t)][rng() % 5] + (w % 2 ? " " : ", ");
      texts.push_back(text);
      truth.push_back(t);
    }
    const auto cluster = clusterTexts(texts, 3, 1);
    std::map<long, std::set<long>> topicsOf;
    for (size_t i = 0; i < texts.size(); ++i) topicsOf[cluster[i]].insert(truth[i]);
    QCOMPARE(topicsOf.size(), size_t(3));
    for (const auto& [c, t] : topicsOf) QCOMPARE(t.size(), size_t(1));
    // As a partition: cluster skew with a small α gives clients dominated by one topic.
    const auto p = partitionDirichletLabels(cluster, 10, 0.05, 2);
    requireCovers(p, 300);
    QVERIFY(partitionStats(p, truth).meanEntropy < 0.8);
  }
  void selectionFrequenciesMatch() {
    const std::vector<long> sizes = {1, 2, 3, 4, 0};
    std::mt19937_64 rng(9);
    std::vector<double> activity(5, 0), uniform(5, 0);
    const int draws = 40000;
    for (int i = 0; i < draws; ++i) {
      activity[selectClients(sizes, 1, "activity", rng)[0]] += 1;
      uniform[selectClients(sizes, 1, "uniform", rng)[0]] += 1;
    }
    for (size_t c = 0; c < 4; ++c) {
      const double p = double(sizes[c]) / 10, se = std::sqrt(p * (1 - p) / draws);
      QVERIFY2(std::abs(activity[c] / draws - p) < 5 * se, qPrintable(QString("client %1").arg(c)));
      QVERIFY(std::abs(uniform[c] / draws - 0.25) < 5 * std::sqrt(0.25 * 0.75 / draws));
    }
    QCOMPARE(activity[4] + uniform[4], 0.0);  // no data, never selected
    // A population (drawn directly, not by keys): distinct clients with data, each in k/n of rounds.
    std::vector<long> many(400, 3);
    for (size_t c = 0; c < many.size(); c += 4) many[c] = 0;  // 100 without data
    std::vector<double> in(many.size(), 0);
    for (int i = 0; i < 6000; ++i) {
      const auto chosen = selectClients(many, 30, "uniform", rng);
      QCOMPARE(std::set<size_t>(chosen.begin(), chosen.end()).size(), size_t(30));
      for (size_t c : chosen) in[c] += 1;
    }
    for (size_t c = 0; c < many.size(); ++c) {
      const double p = c % 4 ? 30.0 / 300 : 0, se = std::sqrt(0.1 * 0.9 / 6000);
      QVERIFY2(std::abs(in[c] / 6000 - p) < 5 * se, qPrintable(QString("client %1").arg(c)));
    }
    const auto three = selectClients(sizes, 3, "activity", rng);
    QCOMPARE(std::set<size_t>(three.begin(), three.end()).size(), size_t(3));
    const auto w = aggregationWeights(sizes, {0, 3}, "samples");
    QVERIFY(std::abs(w[0] - 0.2) < 1e-12 && std::abs(w[1] - 0.8) < 1e-12);
  }
  void fedAvgOneClientOneStepIsCentralisedSgd() {
    const auto data = toySplit(40, 1);
    auto central = toyModel();
    const auto all = torch::arange(40, torch::kLong);
    const auto b = makeBatch(data, all, torch::kCPU);
    torch::nn::functional::cross_entropy(central->forward(b.ids, b.lengths), b.labels).backward();
    {
      torch::NoGradGuard g;
      for (auto& p : central->parameters()) p.sub_(p.grad(), 0.1);
    }
    auto fed = toyModel();
    TrainConfig t;
    FederatedTrainer trainer(fed, t, oneRound("fedavg", 40));
    Partition one(1);
    for (long i = 0; i < 40; ++i) one[0].push_back(i);
    trainer.fit(data, one, {});
    const auto a = central->parameters(), c = fed->parameters();
    for (size_t i = 0; i < a.size(); ++i) QVERIFY(torch::allclose(a[i], c[i], 1e-5, 1e-6));
  }
  void fedProxWithZeroMuIsFedAvg() {
    const auto data = toySplit(60, 2);
    const auto p = partitionIid(60, 4, 3);
    TrainConfig t;
    auto avgModel = toyModel(), proxModel = toyModel();
    auto avg = oneRound("fedavg", 8), prox = oneRound("fedprox", 8);
    avg.rounds = prox.rounds = 3;
    avg.clientsPerRound = prox.clientsPerRound = 2;
    FederatedTrainer(avgModel, t, avg).fit(data, p, {});
    FederatedTrainer(proxModel, t, prox).fit(data, p, {});
    const auto a = avgModel->parameters(), b = proxModel->parameters();
    for (size_t i = 0; i < a.size(); ++i) QVERIFY(torch::equal(a[i], b[i]));
    // And μ > 0 pulls towards the global model: a different result.
    auto pulled = toyModel();
    prox.mu = 1.0;
    FederatedTrainer(pulled, t, prox).fit(data, p, {});
    QVERIFY(!torch::equal(pulled->parameters()[0], a[0]));
  }
  void systemModelDropsLateAndUnavailableClients() {
    FederatedConfig f;
    f.speedSigma = 0;  // every client works at examplesPerSecond
    f.examplesPerSecond = 10;
    f.uploadSeconds = 1;
    f.deadlineSeconds = 6;
    SystemModel always(f, 1);
    std::mt19937_64 rng(1);
    // Work 20, 40, 60, 100 examples → finish at 3, 5, 7, 11 s: two in time, K = 3.
    const auto t = always.simulate({0, 1, 2, 3}, {20, 40, 60, 100}, 3, rng);
    QCOMPARE(t.reported, (std::vector<size_t>{0, 1}));
    QCOMPARE(t.late, 2);
    QCOMPARE(t.seconds, 6.0);  // the server waited for the deadline
    f.deadlineSeconds = 0;
    const auto k2 = SystemModel(f, 1).simulate({0, 1, 2, 3}, {20, 40, 60, 100}, 2, rng);
    QCOMPARE(k2.reported.size(), size_t(2));
    QCOMPARE(k2.seconds, 5.0);  // over-selection: the round ends when the K-th reports
    f.availability = 0.5;
    SystemModel flaky(f, 2);
    int dropped = 0;
    std::vector<size_t> all(200);
    std::iota(all.begin(), all.end(), size_t(0));
    const auto r = flaky.simulate(all, std::vector<long>(200, 10), 200, rng);
    dropped = r.dropped;
    QVERIFY2(dropped > 70 && dropped < 130, qPrintable(QString::number(dropped)));
    // Each client's device is drawn from its own stream: log speed ~ N(0, σ²), availability mean a,
    // the same on every call.
    f.speedSigma = 0.5;
    f.availability = 0.7;
    const SystemModel devices(f, 3);
    double logSum = 0, logSq = 0, available = 0;
    const int n = 20000;
    for (int k = 0; k < n; ++k) {
      const auto d = devices.device(size_t(k));
      logSum += std::log(d.speed);
      logSq += std::log(d.speed) * std::log(d.speed);
      available += d.availability;
    }
    QVERIFY(std::abs(logSum / n) < 0.02);                                    // sd of the mean 0.0035
    QVERIFY(std::abs(std::sqrt(logSq / n - std::pow(logSum / n, 2)) - 0.5) < 0.02);
    QVERIFY(std::abs(available / n - 0.7) < 0.01);
    QCOMPARE(devices.device(12345).speed, devices.device(12345).speed);
  }
  void continualRoundsSeeOnlyTheirPeriod() {
    // 4 periods over 8 rounds, buffer 1: each client's data changes with the period, the clock runs.
    const auto data = toySplit(80, 3);
    auto model = toyModel();
    auto f = oneRound("fedavg", 8);
    f.rounds = 8;
    f.periods = 4;
    f.clientsPerRound = 4;
    RecordingObserver seen;
    TrainConfig t;
    FederatedTrainer trainer(model, t, f);
    trainer.addObserver(&seen);
    const auto r = trainer.fit(data, partitionIid(80, 4, 1), {});
    QCOMPARE(r.rounds, 8L);
    QVERIFY(r.simulatedSeconds > 0);
    // 80 examples, 4 periods: 20 per period, all four clients each round.
    for (double e : seen.values["fl/examples"]) QCOMPARE(e, 20.0);
    QCOMPARE(seen.values["fl/period"].back(), 3.0);
    f.bufferPeriods = 4;  // keep everything: the last period sees all the data
    RecordingObserver kept;
    FederatedTrainer keep(toyModel(), t, f);
    keep.addObserver(&kept);
    keep.fit(data, partitionIid(80, 4, 1), {});
    QCOMPARE(kept.values["fl/examples"].back(), 80.0);
  }
  void periodsSplitEachClientsExamples() {
    // 3 periods, buffer 1: a client's periods are disjoint, cover its examples, match sizes();
    // buffer 2 holds the last two parts.
    const auto data = toySplit(50, 3);
    const Partition p{{0, 1, 2, 3, 4, 5, 6}, {7, 8}, {9}, {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}};
    const PartitionedClients clients(data, p);
    FederatedConfig f;
    f.rounds = 3;
    f.periods = 3;
    ClientSampler sampler(f, clients, 7);
    std::vector<std::vector<long>> parts(p.size());
    for (long round = 1; round <= 3; ++round) {
      QVERIFY(sampler.advance(round));
      for (size_t k = 0; k < p.size(); ++k) {
        const auto e = sampler.examples(k);
        QCOMPARE(long(e.rows.size()), sampler.sizes()[k]);
        QCOMPARE(e.rows, sampler.examples(k).rows);  // the same order on every fetch
        parts[k].insert(parts[k].end(), e.rows.begin(), e.rows.end());
      }
    }
    for (size_t k = 0; k < p.size(); ++k) {
      auto seen = parts[k];
      std::sort(seen.begin(), seen.end());
      QCOMPARE(seen, p[k]);
    }
    f.bufferPeriods = 2;
    ClientSampler buffered(f, clients, 7);
    buffered.advance(3);
    QCOMPARE(buffered.sizes()[3], 6L);  // 10 examples arrive 4, 3, 3: the last two parts held
    QCOMPARE(buffered.sizes()[2], 0L);  // a lone example arrives in the first period: gone by the third
  }
  void syntheticClientsAreTheSameOnEveryCall() {
    auto o = toyPopulation(20000);
    o.meanExamples = 12;
    const SyntheticClients clients(o);
    double total = 0;
    for (size_t k = 0; k < clients.clients(); ++k) total += double(clients.count(k));
    const double mean = total / double(o.population);
    QVERIFY2(std::abs(mean - 12) < 0.6, qPrintable(QString::number(mean)));  // sd of the mean ≈ 0.1
    const auto late = clients.examples(19999), first = clients.examples(0);
    QVERIFY(torch::equal(clients.examples(19999).data.ids, late.data.ids));
    QVERIFY(torch::equal(clients.examples(0).data.labels, first.data.labels));
    QCOMPARE(first.data.size(), clients.count(0));
    QVERIFY(first.data.ids.min().item<long>() >= 2 && first.data.ids.max().item<long>() < 50);
    QVERIFY(first.data.labels.max().item<long>() < 3);
    o.seed = 2;
    QVERIFY(!torch::equal(SyntheticClients(o).examples(19999).data.ids.flatten().slice(0, 0, 4),
                          late.data.ids.flatten().slice(0, 0, 4)) ||
            SyntheticClients(o).count(19999) != clients.count(19999));
    o.vocab = 2;
    QVERIFY_THROWS_EXCEPTION(InputError, SyntheticClients{o});
  }
  void aMillionClientsFetchOnlyTheTrainedOnes() {
    // A population generated on demand: the round loop asks for the examples of the clients it
    // trains and nothing else, so memory does not grow with the population.
    struct Counted : ClientSource {
      SyntheticClients inner;
      mutable long fetched = 0;
      explicit Counted(const SyntheticClientsOptions& o) : inner(o) {}
      size_t clients() const override { return inner.clients(); }
      long count(size_t k) const override { return inner.count(k); }
      ClientExamples examples(size_t k) const override {
        ++fetched;
        return inner.examples(k);
      }
    };
    const Counted clients(toyPopulation(1000000));
    auto f = oneRound("fedavg", 16);
    f.rounds = 3;
    f.clientsPerRound = 20;
    const auto r = FederatedTrainer(toyModel(), TrainConfig{}, f).fit(clients, {});
    QCOMPARE(r.rounds, 3L);
    QCOMPARE(r.clientUpdates, 60L);
    QCOMPARE(clients.fetched, 60L);
    QCOMPARE(long(r.participation.size()), 1000000L);
  }
  void userLevelDpClipsEachClientAndAccounts() {
    const auto data = toySplit(60, 4);
    auto f = oneRound("fedavg", 60);
    const double step = clippedStepNorm(classifierObjective(toyModel()), data, f);
    QVERIFY2(std::abs(step - 1e-3) < 1e-6, qPrintable(QString::number(step)));
    TrainConfig t;
    // With a target ε the rounds are accounted and the last ε meets it.
    f.aggregation = "equal";
    f.userDp = true;
    f.userClip = 1e-3;
    f.userTargetEpsilon = 2;
    f.rounds = 5;
    f.clientsPerRound = 2;
    RecordingObserver seen;
    FederatedTrainer dp(toyModel(), t, f);
    dp.addObserver(&seen);
    const auto r = dp.fit(data, partitionIid(60, 6, 1), {});
    QVERIFY(r.noiseMultiplier > 0);
    QCOMPARE(seen.values["privacy/epsilon"].size(), size_t(5));
    QVERIFY(seen.values["privacy/epsilon"].back() <= 2 + 1e-9);
    QVERIFY(seen.values["privacy/epsilon"].back() > 1.9);
  }
  void exampleLevelDpOnClientsIsAccountedPerClient() {
    const auto data = toySplit(60, 4);
    auto f = oneRound("fedavg", 20);
    f.rounds = 2;
    TrainConfig t;
    t.privacy.mode = "edp";
    t.privacy.noiseMultiplier = 1.0;
    t.privacy.clipNorm = 1.0;
    RecordingObserver seen;
    Partition one(1);
    for (long i = 0; i < 60; ++i) one[0].push_back(i);
    auto model = toyModel();
    FederatedTrainer dp(model, t, f);
    dp.addObserver(&seen);
    dp.fit(data, one, {});
    // One client of 60 with B = 20: 3 steps a round at q = 1/3, two rounds.
    const double expected = rdpEpsilonAfterSteps(rdpOfHistory({{1.0, 1.0 / 3, 1}}, defaultRdpOrders()), 6, 1e-5).epsilon;
    QCOMPARE(seen.values["privacy/example_epsilon_max"].size(), size_t(2));
    QVERIFY(std::abs(seen.values["privacy/example_epsilon_max"].back() - expected) < 1e-9);
    for (const auto& p : model->parameters()) QVERIFY(torch::isfinite(p).all().item<bool>());
    // The ledger keeps clients apart: the worst is the one with the most steps at the largest q.
    ClientPrivacyLedger ledger("rdp", 1e-5);
    ledger.add(0, 1.0, 0.1, 10);
    ledger.add(1, 1.0, 0.1, 10);
    ledger.add(1, 1.0, 0.5, 10);
    QVERIFY(ledger.epsilon(1) > ledger.epsilon(0));
    QCOMPARE(ledger.worstEpsilon(), ledger.epsilon(1));
    QCOMPARE(ledger.epsilon(7), 0.0);
    QVERIFY(std::abs(ledger.epsilon(0) -
                     rdpEpsilon({{1.0, 0.1, 10}}, 1e-5).epsilon) < 1e-12);
  }
  void userDpWithActivitySelectionIsPoissonAndAccountedAtTheLargestRate() {
    // Poisson rates q_k = min(1, n_k / cap), drawn independently: frequencies within 5σ.
    const std::vector<long> sizes = {5, 20, 40, 80};
    const auto rates = activityRates(sizes, 50);
    QVERIFY(near(rates[0], 0.1) && near(rates[2], 0.8) && near(rates[3], 1.0));
    std::mt19937_64 rng(3);
    std::vector<double> seen(4, 0);
    const int draws = 20000;
    for (int i = 0; i < draws; ++i)
      for (size_t k : selectPoisson(rates, rng)) seen[k] += 1;
    for (size_t k = 0; k < 4; ++k)
      QVERIFY(std::abs(seen[k] / draws - rates[k]) <= 5 * std::sqrt(rates[k] * (1 - rates[k]) / draws) + 1e-12);
    // In training: a public cap is required, and ε is that of the largest q_k.
    const auto data = toySplit(60, 4);
    auto f = oneRound("fedavg", 60);
    f.selection = "activity";
    f.aggregation = "equal";
    f.userDp = true;
    f.userNoiseMultiplier = 2;
    f.rounds = 3;
    TrainConfig t;
    const auto clients = partitionDirichletQuantity(60, 6, 1.0, 2);
    QVERIFY_THROWS_EXCEPTION(InputError, FederatedTrainer(toyModel(), t, f).fit(data, clients, {}));
    f.activityCap = 40;
    RecordingObserver r;
    FederatedTrainer dp(toyModel(), t, f);
    dp.addObserver(&r);
    dp.fit(data, clients, {});
    double qMax = 0;
    for (const auto& c : clients) qMax = std::max(qMax, std::min(1.0, double(c.size()) / 40));
    const double expected = rdpEpsilonAfterSteps(rdpOfHistory({{2.0, qMax, 1}}, defaultRdpOrders()), 3, t.privacy.delta).epsilon;
    QCOMPARE(r.values["privacy/epsilon"].size(), size_t(3));
    QVERIFY2(std::abs(r.values["privacy/epsilon"].back() - expected) < 1e-9,
             qPrintable(QString("%1 vs %2").arg(r.values["privacy/epsilon"].back()).arg(expected)));
  }
  void adaptiveUserClipFollowsTheUpdateNorms() {
    // Started far above and far below the clients' update norms, the clip walks towards them.
    const auto data = toySplit(400, 6);
    const auto p = partitionIid(400, 40, 3);
    TrainConfig t;
    auto f = oneRound("fedavg", 8);
    f.aggregation = "equal";
    f.rounds = 60;
    f.clientsPerRound = 20;
    f.userDp = true;
    f.userNoiseMultiplier = 0.5;
    f.userAdaptiveClip = true;
    f.userClipLr = 0.5;
    std::vector<double> finals;
    for (double start : {100.0, 1e-4}) {
      f.userClip = start;
      RecordingObserver seen;
      FederatedTrainer trainer(toyModel(), t, f);
      trainer.addObserver(&seen);
      trainer.fit(data, p, {});
      finals.push_back(seen.values["privacy/user_clip"].back());
    }
    // Both end in the range of update norms (≈ 0.1–1 for this model): 50× down and 500× up.
    QVERIFY2(finals[0] < 2 && finals[1] > 0.05, qPrintable(QString("%1, %2").arg(finals[0]).arg(finals[1])));
    f.userNoiseMultiplier = 3;  // 1/σ² < 1/(4σ_b²): the count alone would exceed the budget
    QVERIFY_THROWS_EXCEPTION(std::exception, FederatedTrainer(toyModel(), t, f).fit(data, p, {}));
  }
  void secureAggregationMasksCancelExactly() {
    torch::manual_seed(3);
    const std::vector<size_t> joined = {4, 9, 2, 7, 11};
    std::vector<std::vector<torch::Tensor>> contributions;
    for (size_t k = 0; k < joined.size(); ++k) contributions.push_back({torch::randn({50}), torch::randn({3, 4})});
    const std::vector<torch::Tensor> like = {torch::zeros({50}), torch::zeros({3, 4})};
    auto quantisedSum = [&](const std::vector<size_t>& who, size_t t) {
      auto s = torch::zeros(like[t].sizes(), torch::kLong);
      for (size_t k : who) s += torch::round(contributions[k][t].to(torch::kDouble) * (1 << 24)).to(torch::kLong);
      return (s.to(torch::kDouble) / (1 << 24)).to(torch::kFloat);
    };
    SecureAggregator all(joined, like, 77);
    for (size_t k = 0; k < joined.size(); ++k) all.add(joined[k], contributions[k]);
    const auto sum = all.sum({});
    for (size_t t = 0; t < 2; ++t) QVERIFY(torch::equal(sum[t], quantisedSum({0, 1, 2, 3, 4}, t)));
    // One upload alone looks nothing like the contribution.
    const auto upload = all.masked(joined[0], contributions[0])[0].to(torch::kDouble) / (1 << 24);
    QVERIFY((upload - contributions[0][0].to(torch::kDouble)).abs().min().item<double>() > 1.0);
    // Two clients drop after the key exchange: their masks are removed from the survivors' sum.
    SecureAggregator some(joined, like, 78);
    for (size_t k : {0, 2, 4}) some.add(joined[k], contributions[k]);
    const auto recovered = some.sum({joined[1], joined[3]});
    for (size_t t = 0; t < 2; ++t) QVERIFY(torch::equal(recovered[t], quantisedSum({0, 2, 4}, t)));
    QVERIFY(some.overheadBytes(2) > all.overheadBytes(0) - 1e-9);
  }
  void secureAggregationLeavesTheModelUnchanged() {
    const auto data = toySplit(60, 5);
    const auto p = partitionIid(60, 6, 2);
    TrainConfig t;
    auto f = oneRound("fedavg", 8);
    f.rounds = 2;
    f.clientsPerRound = 3;
    auto plain = toyModel(), masked = toyModel();
    FederatedTrainer(plain, t, f).fit(data, p, {});
    f.secureAggregation = true;
    FederatedTrainer(masked, t, f).fit(data, p, {});
    const auto a = plain->parameters(), b = masked->parameters();
    for (size_t i = 0; i < a.size(); ++i) QVERIFY(torch::allclose(a[i], b[i], 0, 1e-6));
  }
  /// Texts that count: each token is the previous one + 1 (mod 10, ids 2…11), from a seeded start.
  static EncodedSplit countingTexts(long n, uint64_t seed) {
    torch::manual_seed(seed);
    const auto start = torch::randint(0, 10, {n, 1}, torch::kLong);
    const auto ids = (start + torch::arange(6, torch::kLong).unsqueeze(0)).remainder(10) + 2;
    return {ids, torch::randint(3, 7, {n}, torch::kLong), torch::zeros({n}, torch::kLong)};
  }
  static ObjectivePtr tinyLanguageModel() {
    torch::manual_seed(9);
    return nextWordObjective(wordLanguageModel(12, 16, 1, 6, 0, 0, 0.0).ptr());
  }
  static double metric(const EvalMetrics& m, const std::string& key) {
    for (const auto& [k, v] : m)
      if (k == key) return v;
    return std::nan("");
  }
  void federatedNextWordPrediction() {
    const auto train = countingTexts(80, 1), heldOut = countingTexts(40, 2);
    const auto clients = partitionIid(80, 8, 3);
    TrainConfig t;
    auto f = oneRound("fedavg", 8);
    f.rounds = 20;
    f.clientsPerRound = 4;
    f.localEpochs = 3;
    f.localLr = 0.5;
    auto lm = tinyLanguageModel();
    const double before = metric(lm->evaluate(heldOut, 64, torch::kCPU), "perplexity");
    RecordingObserver seen;
    FederatedTrainer trainer(lm, t, f);
    trainer.addObserver(&seen);
    trainer.fit(train, clients, heldOut);
    const auto after = lm->evaluate(heldOut, 64, torch::kCPU);
    QCOMPARE(seen.values["valid/perplexity"].size(), size_t(20));
    QCOMPARE(seen.values["valid/perplexity"].back(), metric(after, "perplexity"));
    QVERIFY2(metric(after, "perplexity") < before / 3,
             qPrintable(QString("perplexity %1 → %2").arg(before).arg(metric(after, "perplexity"))));
    QVERIFY2(metric(after, "accuracy") > 0.8, qPrintable(QString::number(metric(after, "accuracy"))));
    QVERIFY(metric(after, "top3_accuracy") >= metric(after, "accuracy"));
    // Secure aggregation: the same model after a round, masks and all (later rounds would amplify
    // the float32 rounding of the uploads through training).
    f.rounds = 1;
    auto plain = tinyLanguageModel(), masked = tinyLanguageModel();
    FederatedTrainer(plain, t, f).fit(train, clients, {});
    f.secureAggregation = true;
    FederatedTrainer(masked, t, f).fit(train, clients, {});
    const auto a = plain->module().parameters(), b = masked->module().parameters();
    for (size_t i = 0; i < a.size(); ++i)
      QVERIFY2(torch::allclose(a[i], b[i], 0, 1e-6), qPrintable(QString::number((a[i] - b[i]).abs().max().item<double>())));
  }
  void userLevelDpClipsALanguageModelsUpdates() {
    const auto train = countingTexts(40, 1);
    auto f = oneRound("fedavg", 8);
    const double step = clippedStepNorm(tinyLanguageModel(), train, f);
    QVERIFY2(std::abs(step - 1e-3) < 1e-6, qPrintable(QString::number(step)));
    Partition one(1);
    for (long i = 0; i < 40; ++i) one[0].push_back(i);
    TrainConfig t;
    // eDP-SGD on the clients: each text clipped and noised, booked per client.
    t.privacy.mode = "edp";
    t.privacy.noiseMultiplier = 1.0;
    f.userDp = false;
    RecordingObserver seen;
    FederatedTrainer dp(tinyLanguageModel(), t, f);
    dp.addObserver(&seen);
    dp.fit(train, one, {});
    QCOMPARE(seen.values["privacy/example_epsilon_max"].size(), size_t(1));
    QVERIFY(seen.values["privacy/example_epsilon_max"].back() > 0);
  }
  void fedAdamServerStep() {
    ServerOptimizer adam("fedadam", 0.1, 0.9, 0.99, 1e-3);
    std::vector<torch::Tensor> x = {torch::zeros({1}, torch::kDouble)};
    adam.step(x, {torch::ones({1}, torch::kDouble)});
    // m = 0.1, v = 0.99·τ² + 0.01, x = 0.1 · m / (√v + τ)
    const double v = 0.99 * 1e-6 + 0.01, expected = 0.1 * 0.1 / (std::sqrt(v) + 1e-3);
    QVERIFY(std::abs(x[0].item<double>() - expected) < 1e-12);
    QVERIFY_THROWS_EXCEPTION(std::exception, ServerOptimizer("fedsgd", 1, 0.9, 0.99, 1e-3));
  }
  void rendezvousFromTheEnvironment() {
    for (const char* v : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"}) qunsetenv(v);
    QCOMPARE(Rendezvous::fromEnvironment().worldSize, 1);
    qputenv("WORLD_SIZE", "4");
    qputenv("RANK", "2");
    qputenv("MASTER_ADDR", "10.0.0.7");
    qputenv("MASTER_PORT", "31234");
    const auto r = Rendezvous::fromEnvironment();
    QCOMPARE(r.worldSize, 4);
    QCOMPARE(r.rank, 2);
    QCOMPARE(QString::fromStdString(r.host), QString("10.0.0.7"));
    QCOMPARE(r.port, 31234);
    qputenv("RANK", "two");
    try {
      Rendezvous::fromEnvironment();
      QFAIL("a malformed RANK was accepted");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("$RANK"), e.what());
    }
    for (const char* v : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"}) qunsetenv(v);
  }
  void localRanksGetTheirPlaceAndReportFailures() {
    Rendezvous master;
    master.worldSize = 3;
    master.port = LocalRanks::freePort();
    QVERIFY(master.port > 0 && master.port < 65536);
    // Each rank checks its own environment: RANK 1 or 2 of 3, rank 0's address and port.
    const std::string check = "case \"$RANK\" in 1|2) ;; *) exit 5;; esac; test \"$WORLD_SIZE\" = 3 && "
                              "test \"$MASTER_ADDR\" = 127.0.0.1 && test \"$MASTER_PORT\" = " +
                              std::to_string(master.port);
    LocalRanks ok("/bin/sh", {"-c", check}, master);
    ok.wait();
    LocalRanks failing("/bin/sh", {"-c", "exit $((RANK + 1))"}, master);
    try {
      failing.wait();
      QFAIL("a failed rank went unnoticed");
    } catch (const std::runtime_error& e) {
      QVERIFY2(QString(e.what()).contains("rank 1 exited with status 2"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, LocalRanks("/nonexistent/trustlab-cli", {}, master));
  }
};

QTEST_APPLESS_MAIN(TestFederated)
#include "tst_federated.moc"
