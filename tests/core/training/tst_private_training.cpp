// Tests private training: Poisson sampling rate and noise std pass statistical tests, the target ε
// is met and logged to the ledger, and a private run is reproducible in non-secure mode.
#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "data/default_corpus.h"
#include "experiment/runner.h"
#include "models/model_factory.h"
#include "privacy/per_example_clipping.h"
#include "spec/privacy_caveats.h"
#include "store/privacy_ledger.h"
#include "training/private_stepper.h"

using namespace trustlab;

class TestPrivateTraining : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  static ExperimentSpec privateSpec() {
    ExperimentSpec s;
    s.model.type = "bag";
    s.model.embeddingDim = 32;
    s.training.epochs = 2;
    s.training.batchSize = 256;
    s.training.lr = 0.01;
    s.training.logEvery = 5;
    s.training.privacy.mode = "edp";
    s.training.privacy.targetEpsilon = 2;
    return s;
  }

 private Q_SLOTS:
  void poissonSamplingRate() {
    ModelConfig c;
    c.type = "bag";
    auto model = makeClassifier(c, 10, 2, 4);
    PrivacyConfig p;
    p.mode = "edp";
    PrivateStepper stepper(*model, p, 10000, 100, 100, 1, torch::kCPU);
    double total = 0;
    const int draws = 400;
    for (int i = 0; i < draws; ++i) total += double(stepper.samplePoisson().size(0));
    // Sum of draws·N Bernoulli(q): mean 40000, std sqrt(N·draws·q(1−q)) ≈ 199.
    QVERIFY2(std::abs(total - 40000) < 5 * 199, qPrintable(QString::number(total)));
  }
  void noiseHasStdSigmaCOverB() {
    ModelConfig c;
    c.type = "bag";
    c.embeddingDim = 64;
    auto model = makeClassifier(c, 500, 10, 4);  // ~33k parameters: a large sample of noise
    PrivacyConfig p;
    p.mode = "edp";
    p.noiseMultiplier = 1.7;
    p.clipNorm = 0.5;
    PrivateStepper stepper(*model, p, 1000, 50, 10, 3, torch::kCPU);
    EncodedSplit empty;
    empty.ids = torch::zeros({1, 4}, torch::kLong);
    empty.lengths = torch::ones({1}, torch::kLong);
    empty.labels = torch::zeros({1}, torch::kLong);
    stepper.computeGradients(empty, torch::empty({0}, torch::kLong));  // no example sampled: pure noise
    std::vector<torch::Tensor> all;
    for (const auto& p2 : model->parameters()) all.push_back(p2.grad().flatten());
    const auto g = torch::cat(all).to(torch::kDouble);
    const double want = 1.7 * 0.5 / 50;
    const double n = double(g.numel());
    const double sd = g.std().item<double>(), mean = g.mean().item<double>();
    // The sample std of n normals has relative standard error ≈ 1/√(2n).
    QVERIFY2(std::abs(sd / want - 1) < 5 / std::sqrt(2 * n), qPrintable(QString("%1 vs %2").arg(sd).arg(want)));
    QVERIFY(std::abs(mean) < 5 * want / std::sqrt(n));
  }
  void adaptiveClippingTracksTheQuantile() {
    torch::manual_seed(5);
    ModelConfig c;
    c.type = "bag";
    c.embeddingDim = 16;
    c.dropout = 0;
    auto model = makeClassifier(c, 50, 4, 6);
    EncodedSplit data;
    data.ids = torch::randint(2, 50, {64, 6}, torch::kLong);
    data.lengths = torch::randint(1, 7, {64}, torch::kLong);
    data.labels = torch::randint(0, 4, {64}, torch::kLong);
    PrivacyConfig p;
    p.mode = "edp";
    p.noiseMultiplier = 1.0;
    p.clipNorm = 10;  // far above every norm: adaptive clipping must bring it down
    p.adaptiveClipping = true;
    p.targetQuantile = 0.5;
    p.countNoiseMultiplier = 1.0;
    PrivateStepper stepper(*model, p, 64, 64, 300, 7, torch::kCPU);
    QVERIFY(stepper.gradientNoiseMultiplier() > 1.0);  // part of the budget went to the count
    const auto all = torch::arange(64, torch::kLong);
    for (int i = 0; i < 300; ++i) stepper.computeGradients(data, all);  // parameters fixed: norms fixed
    ClippingConfig plain;
    const auto norms = clippedGradientSum(*model, makeBatch(data, all, torch::kCPU), plain).perExampleNorms;
    const double median = norms.median().item<double>();
    QVERIFY2(std::abs(stepper.clipNorm() / median - 1) < 0.2,
             qPrintable(QString("C = %1, median norm = %2").arg(stepper.clipNorm()).arg(median)));
    p.countNoiseMultiplier = 0.4;  // 1/σ² − 1/(4σ_b²) < 0: the count alone would exceed the budget
    QVERIFY_THROWS_EXCEPTION(std::exception, PrivateStepper(*model, p, 64, 64, 10, 7, torch::kCPU));
  }
  void targetEpsilonMetAndLedgerWritten() {
    RunStore store((dir_.path() + "/dp.sqlite").toStdString());
    RunOptions o;
    o.store = &store;
    o.saveCheckpoint = false;
    const auto out = runExperiment(privateSpec(), o);
    const auto ledger = store.ledger(out.runId);
    QVERIFY(!ledger.empty());
    QVERIFY(ledger.back().epsilon <= 2.0 + 1e-9);
    QVERIFY(ledger.back().epsilon > 1.99);
    QCOMPARE(store.run(out.runId)->tags.at("privacy.secure_mode"), std::string("false"));
    QVERIFY(store.metricHistory(out.runId, "privacy/epsilon").size() > 3);
    QVERIFY(out.test.accuracy > 0.3);
  }
  void dpVocabularyIsComposedIntoTheLedger() {
    RunStore store((dir_.path() + "/vocabulary.sqlite").toStdString());
    RunOptions o;
    o.store = &store;
    o.saveCheckpoint = false;
    auto spec = privateSpec();
    spec.training.maxSteps = 10;
    spec.training.privacy.vocabularyNoise = 5;
    const auto withVocabulary = runExperiment(spec, o);
    const auto ledger = store.ledger(withVocabulary.runId);
    // The target is met by vocabulary and training together, and a recomputation from the store
    // (ledger + spec) gives what the run logged.
    QVERIFY(ledger.back().epsilon <= 2.0 + 1e-9 && ledger.back().epsilon > 1.99);
    QVERIFY(std::abs(recomputeLedger(store, withVocabulary.runId, "rdp").epsilon - ledger.back().epsilon) < 1e-9);
    const auto record = *store.run(withVocabulary.runId);
    QVERIFY(record.params.count("privacy.vocabulary_epsilon"));
    QVERIFY(!record.tags.count(privacyCaveatTag("vocabulary")));
    // The released vocabulary is kept (a resumed secure run needs it), readable by its owner only;
    // every word in it was counted in at least τ − (a few noise std) examples, so far fewer than
    // the plain vocabulary's words survive.
    const auto saved = runArtifactDir(store.path(), withVocabulary.runId) + "/vocabulary.txt";
    QCOMPARE(std::filesystem::status(saved).permissions() & std::filesystem::perms::all,
             std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    QCOMPARE(long(Vocabulary::load(saved).size()), withVocabulary.vocabularySize);
    spec.training.privacy.vocabularyNoise = 0;
    const auto plain = runExperiment(spec, o);
    QVERIFY2(withVocabulary.vocabularySize < plain.vocabularySize / 2,
             qPrintable(QString("%1 vs %2").arg(withVocabulary.vocabularySize).arg(plain.vocabularySize)));
    // For the same target, training gets less of the budget: more noise.
    QVERIFY(withVocabulary.training.noiseMultiplier > plain.training.noiseMultiplier);
    QVERIFY(store.run(plain.runId)->tags.count(privacyCaveatTag("vocabulary")));
  }
  void progressCountsTheEpochsAsked() {
    // Poisson chunks of round(1/q) steps can leave a short extra chunk; progress still counts the
    // passes asked for ("epoch 3/3", never "4/4" for a 3-epoch run).
    struct Last : TrainingObserver {
      ProgressEvent last;
      int highest = 0;
      void onProgress(const ProgressEvent& p) override {
        last = p;
        highest = std::max(highest, p.epoch);
      }
    };
    // Default data, N = 7198: B = 237 gives chunks of round(30.37) = 30 steps and ⌊3 · 30.37⌋ = 91
    // steps in all, so a fourth chunk of one step.
    for (long batch : {237L, 256L}) {
      auto spec = privateSpec();
      spec.training.epochs = 3;
      spec.training.batchSize = batch;
      Last progress;
      RunOptions o;
      o.observers = {&progress};
      o.saveCheckpoint = false;
      runExperiment(spec, o);
      QCOMPARE(progress.last.epochs, 3);
      QCOMPARE(progress.last.epoch, 3);
      QCOMPARE(progress.highest, 3);
    }
  }
  void everyClippingModeTrains_data() {
    QTest::addColumn<QString>("clipping");
    QTest::addColumn<QString>("mode");
    QTest::newRow("per_layer edp") << "per_layer" << "edp";
    QTest::newRow("auto edp") << "auto" << "edp";
    QTest::newRow("flat naive") << "flat" << "naive";
  }
  void everyClippingModeTrains() {
    QFETCH(QString, clipping);
    QFETCH(QString, mode);
    auto spec = privateSpec();
    spec.training.privacy.clipping = clipping.toStdString();
    spec.training.privacy.mode = mode.toStdString();
    spec.training.maxSteps = mode == "naive" ? 3 : 20;
    RunOptions o;
    o.saveCheckpoint = false;
    const auto out = runExperiment(spec, o);
    QCOMPARE(out.status, std::string("finished"));
    QVERIFY(std::isfinite(out.valid.loss));
  }
  void reproducibleWithoutSecureMode() {
    RunOptions o;
    o.saveCheckpoint = false;
    auto spec = privateSpec();
    spec.training.epochs = 1;
    const auto a = runExperiment(spec, o);
    const auto b = runExperiment(spec, o);
    QCOMPARE(a.test.accuracy, b.test.accuracy);
    QCOMPARE(a.valid.loss, b.valid.loss);
    spec.training.privacy.secure = true;
    const auto c = runExperiment(spec, o);
    QVERIFY(c.valid.loss != a.valid.loss);  // OS-seeded noise differs
  }
};

QTEST_GUILESS_MAIN(TestPrivateTraining)
#include "tst_private_training.moc"
