// Tests core/training: learning on real-looking data, bit-identical metrics for the same seed,
// cancellation, early stopping, NaN detection, metric helpers and LR schedules.
#include <QtTest>

#include <torch/torch.h>

#include "data/batching.h"
#include "data/default_corpus.h"
#include "models/model_factory.h"
#include "training/lr_schedule.h"
#include "training/metrics.h"
#include "training/trainer.h"

using namespace trustlab;

namespace {
struct Recorder : TrainingObserver {
  std::vector<MetricEvent> events;
  void onMetric(const MetricEvent& e) override { events.push_back(e); }
  std::vector<double> values(const std::string& key) const {
    std::vector<double> v;
    for (const auto& e : events)
      if (e.key == key) v.push_back(e.value);
    return v;
  }
};

struct Fixture {
  EncodedSplit train, valid;
  long vocab = 0, classes = 0;
  Fixture() {
    DefaultCorpusOptions o;
    o.utterances = 1500;
    o.users = 200;
    const auto d = generateDefaultCorpus(o);
    std::vector<std::string> texts;
    for (const auto& e : d.train) texts.push_back(e.text);
    TokenizerOptions t;
    t.maxLength = 16;
    const auto v = Vocabulary::build(texts, t);
    train = encodeSplit(d.train, v, d.labelIndex(), t);
    valid = encodeSplit(d.valid, v, d.labelIndex(), t);
    vocab = long(v.size());
    classes = long(d.labels().size());
  }
};
const Fixture& fixture() {
  static Fixture f;
  return f;
}

TrainResult trainBag(const TrainConfig& config, Recorder& r, const std::atomic<bool>* stop = nullptr,
                     double initScale = 1.0) {
  torch::manual_seed(config.seed);
  ModelConfig mc;
  mc.type = "bag";
  mc.embeddingDim = 32;
  auto model = makeClassifier(mc, fixture().vocab, fixture().classes, 16);
  if (initScale != 1.0) {
    torch::NoGradGuard g;
    for (auto& p : model->parameters()) p.mul_(initScale);
  }
  Trainer t(model, config);
  t.addObserver(&r);
  return t.fit(fixture().train, fixture().valid, stop);
}
}  // namespace

class TestTrainer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void learnsAndReportsEveryMetric() {
    TrainConfig c;
    c.epochs = 4;
    c.lr = 1e-2;
    c.batchSize = 32;
    Recorder r;
    const auto res = trainBag(c, r);
    const auto acc = r.values("valid/accuracy");
    QCOMPARE(acc.size(), size_t(4));
    QVERIFY2(acc.back() > 0.6, qPrintable(QString::number(acc.back())));
    QVERIFY(!r.values("train/loss").empty() && !r.values("valid/macro_f1").empty() && !r.values("lr").empty());
    QCOMPARE(res.epochsCompleted, 4);
    QVERIFY(res.bestValid.accuracy >= acc.back());
  }
  void sameSeedSameMetricsBitForBit() {
    TrainConfig c;
    c.maxSteps = 40;
    c.evalEvery = 20;
    c.seed = 7;
    Recorder a, b;
    trainBag(c, a);
    trainBag(c, b);
    QCOMPARE(a.events.size(), b.events.size());
    for (size_t i = 0; i < a.events.size(); ++i) {
      QCOMPARE(a.events[i].key, b.events[i].key);
      QVERIFY2(a.events[i].value == b.events[i].value, a.events[i].key.c_str());  // exact, not fuzzy
    }
    c.seed = 8;
    Recorder other;
    trainBag(c, other);
    QVERIFY(other.values("train/loss") != a.values("train/loss"));
  }
  void cancellationStopsBetweenSteps() {
    TrainConfig c;
    c.epochs = 50;
    std::atomic<bool> stop{false};
    struct StopAt : TrainingObserver {
      std::atomic<bool>* s;
      void onProgress(const ProgressEvent& p) override {
        if (p.step >= 20) *s = true;
      }
    } stopper;
    stopper.s = &stop;
    torch::manual_seed(1);
    ModelConfig mc;
    mc.type = "bag";
    Trainer t(makeClassifier(mc, fixture().vocab, fixture().classes, 16), c);
    t.addObserver(&stopper);
    const auto res = t.fit(fixture().train, fixture().valid, &stop);
    QVERIFY(res.cancelled);
    QVERIFY(res.steps >= 20 && res.steps <= 21);
  }
  void earlyStopping() {
    TrainConfig c;
    c.epochs = 100;
    c.lr = 1e-5;  // too small to improve: patience runs out
    c.evalEvery = 5;
    c.earlyStoppingPatience = 2;
    Recorder r;
    const auto res = trainBag(c, r);
    QVERIFY(res.stoppedEarly);
    QVERIFY(res.steps < 100);
  }
  void divergenceIsAClearError() {
    TrainConfig c;
    c.optimizer = "sgd";
    c.momentum = 0;
    c.lr = 10;
    c.maxSteps = 50;
    Recorder r;
    try {
      trainBag(c, r, nullptr, 1e30f);
      QFAIL("expected a divergence error");
    } catch (const std::runtime_error& e) {
      QVERIFY2(QString(e.what()).contains("diverged"), e.what());
    }
  }
  void macroF1MatchesHandComputation() {
    // Class 0: tp 1, fn 1 → F1 2/3; class 1: tp 1, fp 1 → 2/3; class 2: fp 0, fn 0, tp 1 → 1.
    QCOMPARE(macroF1({0, 0, 1, 2}, {0, 1, 1, 2}), (2.0 / 3 + 2.0 / 3 + 1.0) / 3);
    QCOMPARE(macroF1({0, 1}, {2, 2}), 0.0);
  }
  void schedules() {
    QCOMPARE(learningRateFactor("constant", 5, 0, 10), 1.0);
    QCOMPARE(learningRateFactor("linear", 5, 0, 10), 0.5);
    QCOMPARE(learningRateFactor("cosine", 10, 0, 10), 0.0);
    QCOMPARE(learningRateFactor("linear", 0, 4, 10), 0.25);
  }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
