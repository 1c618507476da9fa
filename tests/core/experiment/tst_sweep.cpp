// Tests sweeps: spec parsing with errors naming the field, grid expansion over any declared field
// (ε = ∞ is a non-private run; a federated base sweeps user-level ε), random search (ranges,
// log scale, reproducible draws), running with audits (the base's and the sweep's own), resuming
// after an interruption without redoing finished points, and the mean ± std summary.
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
    QVERIFY2(errorOf(R"({"grid": {"training.lrr": [1]}})").contains("training.lr?"), qPrintable(errorOf(R"({"grid": {"training.lrr": [1]}})")));
    QVERIFY(errorOf(R"({"grid": {"training.lr": ["fast"]}})").contains("grid.training.lr"));
    QVERIFY(errorOf(R"({"grid": {"training.lr": [-1]}})").contains("grid.training.lr"));
    QVERIFY(errorOf(R"({"grid": {"target_epsilon": [-1]}})").contains("grid.privacy.target_epsilon"));
    QVERIFY(errorOf(R"({"grid": {"seed": []}})").contains("grid.seed"));
    QVERIFY(errorOf(R"({"grid": {"training.seed": [1, 2]}})").contains("replicates"));
    QVERIFY(errorOf(R"({"base": {"training": {"lr": "fast"}}})").contains("training.lr"));
    QVERIFY(errorOf(R"({"grid": {"model": ["cnn"]}})").contains("model.type"));
    QVERIFY(errorOf(R"({"audits": ["fairnes"]})").contains("fairness"));
    QVERIFY(errorOf(R"({"random": {"samples": 0}})").contains("random.samples"));
    QVERIFY(errorOf(R"({"random": {"ranges": {"model.type": {"low": 1, "high": 2}}}})").contains("number field"));
    QVERIFY(errorOf(R"({"random": {"ranges": {"training.lr": {"low": 0, "high": 1, "log": true}}}})").contains("low > 0"));
  }
  void gridExpands() {
    const auto points = expandSweep(tiny());
    QCOMPARE(points.size(), size_t(4));
    QCOMPARE(points[0].spec.training.privacy.mode, std::string("off"));
    QCOMPARE(points[2].spec.training.privacy.mode, std::string("edp"));
    QCOMPARE(points[2].spec.training.privacy.targetEpsilon, 2.0);
    QCOMPARE(points[3].spec.training.seed, 2ULL);
    QCOMPARE(points[1].key, std::string("privacy.target_epsilon=inf;seed=2"));
    QVERIFY(std::isinf(points[1].epsilon));
    QCOMPARE(points[2].epsilon, 2.0);
  }
  void anyFieldIsAnAxis() {
    const auto s = SweepSpec::fromJson(R"({"base": {"model": {"type": "bag"}},
      "grid": {"training.lr": [0.001, 0.01], "privacy.clip": [0.5, 1], "model": ["bag", "bilstm"],
               "training.optimizer": ["sgd"], "federated.alpha": [0.3], "seed": [4]}})");
    const auto points = expandSweep(s);
    QCOMPARE(points.size(), size_t(8));
    QCOMPARE(points[0].key, std::string("training.lr=0.001;privacy.clip=0.5;model.type=bag;training.optimizer=sgd;"
                                        "federated.alpha=0.3;seed=4"));
    QCOMPARE(points[7].spec.training.lr, 0.01);
    QCOMPARE(points[7].spec.training.privacy.clipNorm, 1.0);
    QCOMPARE(points[7].spec.model.type, std::string("bilstm"));
    QCOMPARE(points[7].spec.training.optimizer, std::string("sgd"));
    QCOMPARE(points[7].spec.training.seed, 4ULL);
    QCOMPARE(SweepSpec::fromJson(s.toJson()).toJson(), s.toJson());
  }
  void federatedBaseSweepsUserLevelEpsilon() {
    // User-level DP needs equal client weights: a base whose weights follow the data is named.
    QVERIFY(errorOf(R"({"base": {"federated": {"enabled": true}}, "grid": {"target_epsilon": [4]}})")
                .contains("federated.user_dp"));
    const auto s = SweepSpec::fromJson(R"({"base": {"federated": {"enabled": true, "clients": 20, "rounds": 3,
      "clients_per_round": 5, "aggregation": "equal"}}, "grid": {"target_epsilon": ["inf", 4]}})");
    const auto points = expandSweep(s);
    QCOMPARE(points.size(), size_t(2));
    QVERIFY(!points[0].spec.federated.userDp);
    QVERIFY(points[1].spec.federated.userDp);
    QCOMPARE(points[1].spec.federated.userTargetEpsilon, 4.0);
    QCOMPARE(points[1].spec.training.privacy.mode, std::string("off"));
    QCOMPARE(points[1].epsilon, 4.0);
    QVERIFY(points[1].key.rfind("federated.user_target_epsilon=4;", 0) == 0);
  }
  void randomSearchDrawsFromRangesAndLists() {
    const auto text = R"({"base": {"model": {"type": "bag"}}, "grid": {"model.type": ["bag", "bilstm"], "seed": [1, 2]},
      "random": {"samples": 40, "seed": 7, "ranges": {"training.lr": {"low": 1e-4, "high": 1e-1, "log": true},
                                                     "training.batch_size": {"low": 16, "high": 64}}}})";
    const auto s = SweepSpec::fromJson(text);
    const auto points = expandSweep(s);
    QCOMPARE(points.size(), size_t(80));  // 40 draws × 2 seeds (no repeats among real-valued draws)
    int small = 0, bilstm = 0;
    for (const auto& p : points) {
      QVERIFY(p.spec.training.lr >= 1e-4 && p.spec.training.lr <= 1e-1);
      QVERIFY(p.spec.training.batchSize >= 16 && p.spec.training.batchSize <= 64);
      small += p.spec.training.lr < 3.16e-3;  // the log-midpoint: about half below it
      bilstm += p.spec.model.type == "bilstm";
    }
    QVERIFY2(small > 20 && small < 60, qPrintable(QString::number(small)));
    QVERIFY(bilstm > 10 && bilstm < 70);
    // The same seed draws the same points; the file round-trips.
    const auto again = expandSweep(SweepSpec::fromJson(s.toJson()));
    QCOMPARE(again.size(), points.size());
    for (size_t i = 0; i < points.size(); ++i) QCOMPARE(again[i].key, points[i].key);
  }
  void jsonRoundTrip() {
    const auto s = tiny();
    const auto again = SweepSpec::fromJson(s.toJson());
    QCOMPARE(again.toJson(), s.toJson());
    QCOMPARE(again.axes.front().values.front(), std::string("inf"));
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
  void otherAxesAndSweepAuditsAreSummarised() {
    RunStore store((dir_.path() + "/axes.sqlite").toStdString());
    const auto s = SweepSpec::fromJson(R"({"name": "lr",
      "base": {"model": {"type": "bag", "embedding_dim": 16}, "training": {"max_steps": 10, "batch_size": 128}},
      "grid": {"training.lr": [0.003, 0.03], "target_epsilon": ["inf", 3]}, "audits": ["fairness"]})");
    SweepOptions o;
    o.store = &store;
    const auto outcome = runSweep(s, o);
    QCOMPARE(outcome.ran, 4);
    const auto cells = summarizeSweep(store, "lr");
    QCOMPARE(cells.size(), size_t(4));
    for (const auto& c : cells) {
      QCOMPARE(c.settings.size(), size_t(1));
      QVERIFY(c.settings.count("training.lr"));
      bool fairness = false;
      for (const auto& [k, v] : c.metrics) fairness |= k.rfind("fairness/", 0) == 0;
      QVERIFY2(fairness, "the sweep's own audit ran on every point");
    }
  }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
