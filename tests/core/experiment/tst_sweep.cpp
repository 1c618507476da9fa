// Tests sweeps: spec parsing with errors naming the field, grid expansion (ε = ∞ is a non-private
// run), running with audits, resuming after an interruption without redoing finished points, and
// the mean ± std summary.
#include <QtTest>

#include <torch/torch.h>

#include <cmath>

#include "experiment/sweep.h"
#include "util/errors.h"

using namespace trustlab;

class TestSweep : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  static QString errorOf(const std::string& text) {
    try {
      SweepSpec::fromJson(text, "s.json");
    } catch (const InputError& e) {
      return e.what();
    }
    return {};
  }

  static SweepSpec tiny() {
    return SweepSpec::fromJson(R"({"name": "tiny",
      "base": {"model": {"type": "bag", "embedding_dim": 16}, "training": {"max_steps": 15, "batch_size": 128,
               "eval_every": 0, "lr": 0.01}, "audit": {"mia": "loss", "audit_examples": 100}},
      "grid": {"target_epsilon": ["inf", 2], "seed": [1, 2]}})");
  }

 private Q_SLOTS:
  void badSpecsNameTheField() {
    QVERIFY(errorOf(R"({"grid": {"lr": [1]}})").contains("grid.lr"));
    QVERIFY(errorOf(R"({"grid": {"target_epsilon": [-1]}})").contains("grid.target_epsilon"));
    QVERIFY(errorOf(R"({"grid": {"seed": []}})").contains("grid.seed"));
    QVERIFY(errorOf(R"({"base": {"training": {"lr": "fast"}}})").contains("training.lr"));
    QVERIFY(errorOf(R"({"grid": {"model": ["cnn"]}})").contains("model.type"));
  }
  void gridExpands() {
    const auto points = expandSweep(tiny());
    QCOMPARE(points.size(), size_t(4));
    QCOMPARE(points[0].spec.training.privacy.mode, std::string("off"));
    QCOMPARE(points[2].spec.training.privacy.mode, std::string("edp"));
    QCOMPARE(points[2].spec.training.privacy.targetEpsilon, 2.0);
    QCOMPARE(points[3].spec.training.seed, 2ULL);
    QCOMPARE(points[1].key, std::string("dataset=default;model=bag;epsilon=inf;seed=2"));
  }
  void jsonRoundTrip() {
    const auto s = tiny();
    const auto again = SweepSpec::fromJson(s.toJson());
    QCOMPARE(again.toJson(), s.toJson());
    QVERIFY(std::isinf(again.epsilons.front()));
  }
  void runsResumesAndSummarises() {
    RunStore store((dir_.path() + "/sweep.sqlite").toStdString());
    std::atomic<bool> stop{false};
    SweepOptions o;
    o.store = &store;
    o.stop = &stop;
    o.onPointDone = [&](const SweepPoint&, int index, int, long long, bool) { stop = index == 1; };
    const auto first = runSweep(tiny(), o);  // interrupted after two points
    QVERIFY(first.cancelled);
    QCOMPARE(first.ran, 2);
    stop = false;
    o.onPointDone = nullptr;
    const auto second = runSweep(tiny(), o);
    QVERIFY(!second.cancelled);
    QCOMPARE(second.ran, 2);
    QCOMPARE(second.reused, 2);
    QCOMPARE(runSweep(tiny(), o).ran, 0);
    QCOMPARE(store.listRuns(sweepExperiment("tiny")).size(), size_t(4));

    const auto cells = summarizeSweep(store, "tiny");
    QCOMPARE(cells.size(), size_t(2));
    QVERIFY(std::isinf(cells[0].epsilon));
    QCOMPARE(cells[1].epsilon, 2.0);
    for (const auto& c : cells) {
      QCOMPARE(c.runs, 2);
      QVERIFY(c.metrics.count("test/accuracy"));
      QVERIFY(c.metrics.count("audit/mia_loss/auc"));
    }
    QVERIFY(cells[1].noiseMultiplier > 0);
    QVERIFY(cells[1].metrics.at("privacy/epsilon").first <= 2.0 + 1e-9);
  }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
