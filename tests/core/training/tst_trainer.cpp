// Tests core/training: learning on real-looking data, bit-identical metrics for the same seed,
// cancellation, early stopping, NaN detection, metric helpers and LR schedules; the objectives:
// a classifier's loss is its cross-entropy, next-word prediction's held-out metrics are those
// counted token by token by hand.
#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <map>

#include "data/batching.h"
#include "data/default_corpus.h"
#include "models/causal_lm.h"
#include "models/model_factory.h"
#include "training/next_word_objective.h"
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
  void classifierObjectiveIsCrossEntropy() {
    torch::manual_seed(2);
    ModelConfig mc;
    mc.type = "bag";
    mc.dropout = 0;
    const auto objective = objectiveRegistry().at("classify").make(mc, fixture().vocab, fixture().classes, 16);
    const auto classifier = objective->classifier();
    QVERIFY(classifier);
    const auto b = makeBatch(fixture().valid, torch::arange(20), torch::kCPU);
    const auto ce = torch::nn::functional::cross_entropy(classifier->forward(b.ids, b.lengths), b.labels);
    QVERIFY(std::abs(objective->meanLoss(b).item<double>() - ce.item<double>()) < 1e-6);
    const auto metrics = objective->evaluate(fixture().valid, 64, torch::kCPU);
    const auto direct = evaluate(*classifier, fixture().valid, 64, torch::kCPU);
    QCOMPARE(metrics.at(0).first, std::string("loss"));
    QCOMPARE(metrics.at(0).second, direct.loss);
    QCOMPARE(metrics.at(1).second, direct.accuracy);
  }
  /// Loss, perplexity and top-1/top-3 accuracy over every predicted token, counted one by one.
  void nextWordMetricsByHand() {
    torch::manual_seed(4);
    auto lm = wordLanguageModel(7, 8, 1, 6, 0, 0, 0.0);
    // Three texts of 4, 1 and 3 tokens (the second predicts nothing), padded with 0.
    const auto ids = torch::tensor({2, 3, 4, 5, 6, 0, 0, 0, 4, 4, 2, 0}, torch::kLong).view({3, 4});
    const auto lengths = torch::tensor({4, 1, 3}, torch::kLong);
    const EncodedSplit split{ids, lengths, torch::zeros({3}, torch::kLong)};
    const auto objective = nextWordObjective(lm.ptr());
    const auto metrics = objective->evaluate(split, 2, torch::kCPU);  // batches of 2: trimming and padding
    double nll = 0, top1 = 0, top3 = 0, tokens = 0;
    lm->eval();
    for (int64_t row = 0; row < 3; ++row) {
      const int64_t n = lengths[row].item<int64_t>();
      const auto text = ids[row].narrow(0, 0, n).unsqueeze(0);
      const auto logits = lm->body.lmLogits(lm->forward(text, torch::ones({1, n}, torch::kBool)))[0];
      for (int64_t t = 0; t + 1 < n; ++t) {
        const auto target = ids[row][t + 1].item<int64_t>();
        const auto p = torch::log_softmax(logits[t], 0);
        nll -= p[target].item<double>();
        long above = 0;  // tokens scored higher than the target
        for (int64_t v = 0; v < 7; ++v) above += logits[t][v].item<double>() > logits[t][target].item<double>();
        top1 += above == 0;
        top3 += above < kNextWordSuggestions;
        tokens += 1;
      }
    }
    QCOMPARE(tokens, 5.0);
    const std::map<std::string, double> got(metrics.begin(), metrics.end());
    QVERIFY(std::abs(got.at("loss") - nll / tokens) < 1e-5);
    QVERIFY(std::abs(got.at("perplexity") - std::exp(nll / tokens)) < 1e-4);
    QCOMPARE(got.at("accuracy"), top1 / tokens);
    QCOMPARE(got.at("top3_accuracy"), top3 / tokens);
    // Training losses: each text's mean next-token loss (the one-token text's is 0).
    lm->eval();
    const Batch b{ids, lengths, split.labels};
    const auto losses = objective->losses(b)(0, 3).losses;
    const auto expected = nextTokenLosses(*lm, ids, lengths);
    QVERIFY(torch::allclose(losses, expected.losses / expected.counts.clamp_min(1)));
    QCOMPARE(losses[1].item<double>(), 0.0);
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
