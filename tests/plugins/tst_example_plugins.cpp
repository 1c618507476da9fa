// Tests the example plugins in plugins/, loaded as every front end loads them: the DAN model's
// efficient per-example clipping equals the naive reference (so it trains privately through the
// built-in rules), the shards partition gives each client two label-sorted shards, the fastText
// format reads its files and names the bad line, the modified-entropy attack and the predictive
// parity metric reproduce hand-computed values. Through the CLI and the GUI: tst_cli, tst_main_window.
#include <QtTest>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "data/dataset_registry.h"
#include "audits/membership_audit.h"
#include "fairness/fairness_metrics.h"
#include "federated/partition.h"
#include "models/model_factory.h"
#include "plugins/plugin_loader.h"
#include "privacy/per_example_clipping.h"
#include "util/errors.h"

using namespace trustlab;

namespace {
void load(const char* name) {
  const auto p = loadPlugin(std::string(TRUSTLAB_PLUGIN_BUILD_DIR) + "/" + name + ".so");
  if (!p.ok()) QFAIL(p.error.c_str());
}

/// Logits log(p) of a fixed table row chosen by the first token: a model with known outputs.
class TableModelImpl : public TextClassifierImpl {
 public:
  explicit TableModelImpl(torch::Tensor probabilities) : logLikelihood(probabilities.log()) {}
  torch::Tensor embedTokens(const torch::Tensor& ids) override { return ids.to(torch::kDouble).unsqueeze(2); }
  torch::Tensor forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor&) override {
    return logLikelihood.index_select(0, embedded.select(2, 0).select(1, 0).to(torch::kLong));
  }
  torch::Tensor tokenEmbeddingTable() const override { return logLikelihood; }
  torch::Tensor tokenStates(const torch::Tensor& embedded, const torch::Tensor&) override { return embedded; }
  torch::Tensor logLikelihood;
};

std::string writeFile(const std::string& name, const std::string& text) {
  const auto path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}
}  // namespace

class TestExamplePlugins : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    for (const char* name : {"trustlab_model_dan", "trustlab_partition_shards", "trustlab_format_fasttext",
                             "trustlab_attack_entropy", "trustlab_fairness_ppv", "trustlab_dataset_generated"})
      load(name);
  }

  void danClipsLikeTheNaiveReference() {
    torch::manual_seed(5);
    ModelConfig c;
    c.type = "dan";
    c.embeddingDim = 8;
    c.hiddenSize = 6;
    c.dropout = 0;  // word dropout off: both paths must see the same forward
    auto model = makeClassifier(c, 30, 4, 7);
    torch::manual_seed(3);
    Batch b;
    b.lengths = torch::randint(1, 8, {5}, torch::kLong);
    b.ids = torch::randint(2, 30, {5, 7}, torch::kLong);
    b.ids.masked_fill_(torch::arange(7).unsqueeze(0) >= b.lengths.unsqueeze(1), 0);
    b.labels = torch::randint(0, 4, {5}, torch::kLong);
    ClippingConfig cfg;
    cfg.clipNorm = 0.2;
    const auto fast = clippedGradientSum(*model, b, cfg);
    std::vector<torch::Tensor> fastGrads;
    for (const auto& p : model->parameters()) fastGrads.push_back(p.grad().clone());
    model->zero_grad();
    const auto naive = naiveClippedGradientSum(*model, b, cfg);
    QVERIFY(torch::allclose(fast.perExampleNorms, naive.perExampleNorms, 1e-4, 1e-6));
    QVERIFY((fast.perExampleNorms > cfg.clipNorm).any().item<bool>());  // clipping is exercised
    const auto params = model->parameters();
    QCOMPARE(params.size(), size_t(7));  // the embedding, then weight and bias of two hidden layers and the output
    for (size_t k = 0; k < params.size(); ++k) QVERIFY(torch::allclose(fastGrads[k], params[k].grad(), 1e-4, 1e-6));
  }

  void shardsGiveEachClientTwoSortedShards() {
    FederatedConfig config;
    config.clients = 5;
    std::vector<Example> train(40);
    std::vector<long> labels;
    for (long i = 0; i < 40; ++i) labels.push_back(i % 10);  // 10 labels, 4 examples each
    const auto clients = partitionerRegistry().at("shards").make(config, train, labels, 7);
    QCOMPARE(clients.size(), size_t(5));
    std::set<long> seen;
    for (const auto& client : clients) {
      QCOMPARE(client.size(), size_t(8));  // two shards of 40 / 10
      std::set<long> held;
      for (long i : client) held.insert(labels[size_t(i)]), seen.insert(i);
      QCOMPARE(held.size(), size_t(2));  // each shard is one label's 4 examples, and no label has two shards
    }
    QCOMPARE(seen.size(), size_t(40));  // every example exactly once
    config.clients = 30;
    QVERIFY_THROWS_EXCEPTION(InputError, partitionerRegistry().at("shards").make(config, train, labels, 7));
  }

  void fastTextReadsFilesAndNamesTheBadLine() {
    std::string text;
    for (int i = 0; i < 30; ++i) text += "__label__" + std::string(i % 2 ? "pos" : "neg") + " review number " + std::to_string(i) + "\n";
    const auto good = writeFile("trustlab_fasttext_good.txt", text);
    const auto d = loadDataset({good, "fasttext", {}});
    QCOMPARE(d.size(), size_t(30));
    QCOMPARE(d.labels(), (std::vector<std::string>{"neg", "pos"}));
    QVERIFY(!d.train.empty() && !d.valid.empty() && !d.test.empty());
    const auto bad = writeFile("trustlab_fasttext_bad.txt", "__label__pos fine\nno label here\n");
    try {
      loadDataset({bad, "fasttext", {}});
      QFAIL("a line without __label__ was accepted");
    } catch (const InputError& e) {
      QVERIFY2(std::string(e.what()).find(bad) != std::string::npos, e.what());
      QCOMPARE(e.line(), 2L);
    }
  }

  void entropyAttackMatchesHandComputedScores() {
    // Row 0: p = (0.9, 0.1), y = 0 → Mentr = −0.1·log 0.9 − 0.1·log 0.9.
    // Row 1: same p, y = 1 → Mentr = −0.9·log 0.1 − 0.9·log 0.1.
    auto model = std::make_shared<TableModelImpl>(torch::tensor({{0.9, 0.1}}, torch::kDouble));
    EncodedSplit audit{torch::zeros({2, 1}, torch::kLong), torch::ones({2}, torch::kLong), torch::tensor({0L, 1L})};
    ExperimentSpec spec;
    PreparedData data;
    ExampleScores none;
    MembershipAuditOptions options;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
    const auto r = membershipAttackRegistry().at("entropy").score(
        {*model, spec, data, audit, audit, none, options, gen, torch::Device(torch::kCPU)});
    QCOMPARE(r.scores.size(), size_t(2));
    QVERIFY(std::abs(r.scores[0] - 0.2 * std::log(0.9)) < 1e-6);
    QVERIFY(std::abs(r.scores[1] - 1.8 * std::log(0.1)) < 1e-5);
  }

  void predictiveParityMatchesHandComputedValue() {
    // Class 1 predicted for 4 female rows (3 right) and 2 male rows (1 right): PPV .75 vs .5.
    FairnessScores s;
    s.group = {"female", "female", "female", "female", "male", "male", "male", "none"};
    s.predicted = {1, 1, 1, 1, 1, 1, 0, 1};
    s.label = {1, 1, 1, 0, 1, 0, 0, 0};
    const std::vector<long> rows{0, 1, 2, 3, 4, 5, 6, 7}, classes{1};
    FairnessSample sample{s, rows, classes, {{}}, {{}}, {}};
    QVERIFY(std::abs(fairnessMetricRegistry().at("ppv_difference").value(sample) - 0.25) < 1e-12);
    const std::vector<long> femaleOnly{0, 1, 2, 3};
    FairnessSample oneGroup{s, femaleOnly, classes, {{}}, {{}}, {}};
    QVERIFY(std::isnan(fairnessMetricRegistry().at("ppv_difference").value(oneGroup)));
  }

  void generatedVariantsAreDatasets() {
    const auto d = loadDataset({"default-small", "", {}});
    QCOMPARE(d.name, std::string("default-small"));
    QVERIFY(d.size() >= 1900 && d.size() <= 2000);
  }
};

QTEST_GUILESS_MAIN(TestExamplePlugins)
#include "tst_example_plugins.moc"
