// Tests the audits end to end on a dataset built to be memorised (random words, random labels;
// few enough words that the vocabulary, built from training data without DP, covers the test
// split too and cannot itself give members away):
// a non-private model leaks membership and its canaries, a private one (ε = 1) does not, and the
// empirical ε lower bound never exceeds the theoretical ε.
#include <QtTest>

#include <torch/torch.h>

#include <fstream>
#include <random>

#include "experiment/run_audit.h"
#include "experiment/runner.h"
#include "util/errors.h"

using namespace trustlab;

class TestPrivacyAudit : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string dataset_;
  std::unique_ptr<RunStore> store_;

  void writeSplit(const std::string& name, int rows, std::mt19937_64& rng) {
    std::uniform_int_distribution<int> word(0, 399), label(0, 3), length(4, 8);
    std::ofstream f(dataset_ + "/" + name + ".csv");
    f << "text,label\n";
    for (int i = 0; i < rows; ++i) {
      const int n = length(rng);
      for (int j = 0; j < n; ++j) f << (j ? " " : "") << "w" << word(rng);
      f << ",intent" << label(rng) << "\n";
    }
  }

  ExperimentSpec spec(double epsilon, unsigned long long seed, const std::string& model = "bag") const {
    ExperimentSpec s;
    s.data.dataset = dataset_;
    s.model.type = model;
    s.model.embeddingDim = 32;
    s.model.dropout = 0;
    s.training.optimizer = "adam";
    s.training.lr = 0.05;
    s.training.epochs = 25;
    s.training.batchSize = 32;
    s.training.seed = seed;
    s.training.evalEvery = 0;
    s.training.restoreBest = false;  // random labels: the best-valid epoch is chance; audit the final model
    s.training.threads = 2;
    s.audit.canaries = 3;
    s.audit.canaryRepetitions = 10;
    s.audit.auditExamples = 300;
    if (epsilon > 0) {
      s.training.privacy.mode = "edp";
      s.training.privacy.targetEpsilon = epsilon;
      s.training.batchSize = 64;
    }
    return s;
  }

  AuditedRun train(const ExperimentSpec& s, long long& id) {
    RunOptions o;
    o.store = store_.get();
    const auto out = runExperiment(s, o);
    id = out.runId;
    return loadRunForAudit(*store_, id);
  }

 private Q_SLOTS:
  void initTestCase() {
    dataset_ = (dir_.path() + "/memorise").toStdString();
    QVERIFY(QDir().mkpath(QString::fromStdString(dataset_)));
    std::mt19937_64 rng(11);
    writeSplit("train", 300, rng);
    writeSplit("valid", 50, rng);
    writeSplit("test", 300, rng);
    store_ = std::make_unique<RunStore>((dir_.path() + "/audit.sqlite").toStdString());
  }
  void nonPrivateModelLeaks() {
    long long id = 0;
    const auto run = train(spec(0, 1), id);
    MembershipAuditOptions o;
    const auto loss = auditRunMembership(*store_, id, run, o);
    QVERIFY2(loss.auc > 0.75, qPrintable(QString("loss AUC %1").arg(loss.auc)));
    QVERIFY(loss.epsilon.lowerBound > 0.5);
    QCOMPARE(loss.members, 300L);
    QVERIFY(QFile::exists(QString::fromStdString(rocArtifactPath(store_->path(), id, "loss"))));
    QCOMPARE(store_->run(id)->latestMetrics.at("audit/mia_loss/auc"), loss.auc);
    o.method = "lira";
    o.shadows = 4;
    o.lira.fixedVariance = true;
    const auto lira = auditRunMembership(*store_, id, run, o);
    QVERIFY2(lira.auc > 0.75, qPrintable(QString("LiRA AUC %1").arg(lira.auc)));

    const auto canaries = auditRunCanaries(*store_, id, run);
    QCOMPARE(canaries.canaries.size(), size_t(3));
    // Order is invisible to a bag of embeddings, but which tokens the secret holds is not: every
    // token inversion puts back is one of the secret's.
    const auto encoded = encodeCanary(run.data.canaries[0], run.spec, run.data);
    for (long t : canaries.canaries[0].inversion.recovered)
      QVERIFY(std::find(encoded.secret.begin(), encoded.secret.end(), t) != encoded.secret.end());
  }
  void privateModelDoesNotLeak() {
    // ε = 1 allows an AUC up to ≈ 0.77 (TPR ≤ e·FPR + δ); DP-SGD in practice stays near chance.
    double sum = 0;
    for (unsigned long long seed : {1ULL, 2ULL, 3ULL}) {
      long long id = 0;
      const auto run = train(spec(1.0, seed), id);
      const auto mia = auditRunMembership(*store_, id, run, {});
      QVERIFY2(std::abs(mia.auc - 0.5) < 0.1, qPrintable(QString("seed %1: AUC %2").arg(seed).arg(mia.auc)));
      QVERIFY2(mia.epsilon.lowerBound <= 1.0, qPrintable(QString("empirical ε %1").arg(mia.epsilon.lowerBound)));
      sum += mia.auc;
    }
    QVERIFY2(sum / 3 < 0.58, qPrintable(QString("mean AUC %1").arg(sum / 3)));
  }
  void canaryExposureHighWithoutDpLowWithDp() {
    // A BiLSTM sees order, so a memorised secret outranks its permutations. Without DP the
    // secrets rank near the top of 10^4; at ε = 1 they rank like chance (mean exposure of a
    // uniformly random rank: 1/ln 2 ≈ 1.44 bits), averaged over seeds.
    long long id = 0;
    auto run = train(spec(0, 1, "bilstm"), id);
    const double open = auditRunCanaries(*store_, id, run).meanExposure;
    QVERIFY2(open > 7, qPrintable(QString("exposure without DP %1").arg(open)));
    double sum = 0;
    for (unsigned long long seed : {1ULL, 2ULL, 3ULL}) {
      run = train(spec(1.0, seed, "bilstm"), id);
      sum += auditRunCanaries(*store_, id, run).meanExposure;
    }
    QVERIFY2(sum / 3 < 4, qPrintable(QString("exposure at ε = 1: %1").arg(sum / 3)));
  }
  void auditNeedsAFinishedRunWithCheckpoint() {
    QVERIFY_THROWS_EXCEPTION(InputError, loadRunForAudit(*store_, 9999));
    auto s = spec(0, 4);
    s.audit.canaries = 0;
    s.training.epochs = 1;
    RunOptions o;
    o.store = store_.get();
    o.saveCheckpoint = false;
    const auto out = runExperiment(s, o);
    QVERIFY_THROWS_EXCEPTION(InputError, loadRunForAudit(*store_, out.runId));
    o.saveCheckpoint = true;
    const auto withCheckpoint = runExperiment(s, o);
    const auto run = loadRunForAudit(*store_, withCheckpoint.runId);
    QVERIFY_THROWS_EXCEPTION(InputError, auditRunCanaries(*store_, withCheckpoint.runId, run));
  }
};

QTEST_GUILESS_MAIN(TestPrivacyAudit)
#include "tst_privacy_audit.moc"
