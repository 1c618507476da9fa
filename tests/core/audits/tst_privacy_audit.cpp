// Tests the audits end to end on a dataset built to be memorised (random words, random labels;
// few enough words that the vocabulary, built from training data without DP, covers the test
// split too and cannot itself give members away):
// a non-private model leaks membership and its canaries, a private one (ε = 1) does not, and the
// empirical ε lower bound never exceeds the theoretical ε, nor does the white-box audit's, which
// comes much closer to it.
#include <QtTest>

#include <torch/torch.h>

#include <fstream>
#include <random>

#include "audits/canary_audit.h"
#include "audits/gradient_canary_audit.h"
#include "audits/membership_audit.h"
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

  MembershipAuditResult membership(long long id, const AuditedRun& run, const MembershipAuditOptions& o = {}) {
    AuditRequest request;
    request.argument = o.method;
    request.options = o;
    return std::any_cast<MembershipAuditResult>(runAudit(*store_, id, run, kMembershipAudit, request).report);
  }
  CanaryAuditResult canaries(long long id, const AuditedRun& run) {
    return std::any_cast<CanaryAuditResult>(runAudit(*store_, id, run, kCanaryAudit).report);
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
    const auto loss = membership(id, run, o);
    QVERIFY2(loss.auc > 0.75, qPrintable(QString("loss AUC %1").arg(loss.auc)));
    QVERIFY(loss.epsilon.lowerBound > 0.5);
    QCOMPARE(loss.members, 300L);
    QVERIFY(QFile::exists(QString::fromStdString(auditArtifactPath(store_->path(), id, rocFileName("loss")))));
    QCOMPARE(store_->run(id)->latestMetrics.at("audit/mia_loss/auc"), loss.auc);
    o.method = "lira";
    o.shadows = 4;
    o.lira.fixedVariance = true;
    const auto lira = membership(id, run, o);
    QVERIFY2(lira.auc > 0.75, qPrintable(QString("LiRA AUC %1").arg(lira.auc)));

    const auto planted = canaries(id, run);
    QCOMPARE(planted.canaries.size(), size_t(3));
    QCOMPARE(store_->run(id)->latestMetrics.at("audit/canary/exposure"), planted.meanExposure);
    // Order is invisible to a bag of embeddings, but which tokens the secret holds is not: every
    // token inversion puts back is one of the secret's.
    const auto encoded = encodeCanary(run.data.canaries[0], run.spec, run.data);
    for (long t : planted.canaries[0].inversion.recovered)
      QVERIFY(std::find(encoded.secret.begin(), encoded.secret.end(), t) != encoded.secret.end());
  }
  void privateModelDoesNotLeak() {
    // ε = 1 allows an AUC up to ≈ 0.77 (TPR ≤ e·FPR + δ); DP-SGD in practice stays near chance.
    double sum = 0;
    for (unsigned long long seed : {1ULL, 2ULL, 3ULL}) {
      long long id = 0;
      const auto run = train(spec(1.0, seed), id);
      const auto mia = membership(id, run);
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
    const double open = canaries(id, run).meanExposure;
    QVERIFY2(open > 7, qPrintable(QString("exposure without DP %1").arg(open)));
    double sum = 0;
    for (unsigned long long seed : {1ULL, 2ULL, 3ULL}) {
      run = train(spec(1.0, seed, "bilstm"), id);
      sum += canaries(id, run).meanExposure;
    }
    QVERIFY2(sum / 3 < 4, qPrintable(QString("exposure at ε = 1: %1").arg(sum / 3)));
  }
  void whiteBoxAuditOfTheStepsStaysBelowTheoryAndComesClose() {
    // Full batches (q = 1): the steps are Gaussian and the canaries' bound approaches the exact ε.
    auto s = spec(4.0, 6);
    s.audit.canaries = 0;
    s.training.batchSize = 300;
    s.training.epochs = 5;
    s.training.privacy.accountant = "prv";
    long long id = 0;
    const auto run = train(s, id);
    // By default the audit trains as often as 2·10⁵ canaries need (this model has ~13k coordinates).
    const auto r = std::any_cast<GradientCanaryAuditResult>(runAudit(*store_, id, run, kGradientCanaryAudit).report);
    QCOMPARE(r.trainings, 16);
    qInfo("%s", describeGradientCanaries(r).c_str());
    QCOMPARE(r.steps, 5L);
    QVERIFY2(std::abs(r.theoreticalEpsilon - 4.0) < 0.01, qPrintable(QString::number(r.theoreticalEpsilon)));
    QVERIFY2(r.epsilon.lowerBound <= r.theoreticalEpsilon, describeGradientCanaries(r).c_str());
    QVERIFY2(r.epsilon.lowerBound >= r.theoreticalEpsilon / 2, describeGradientCanaries(r).c_str());
    QCOMPARE(store_->run(id)->latestMetrics.at("audit/gradient_canaries/epsilon_lower_bound"), r.epsilon.lowerBound);
    // A non-private run has no steps to audit.
    auto open = spec(0, 6);
    open.audit.canaries = 0;
    open.training.epochs = 1;
    const auto plain = train(open, id);
    QVERIFY_THROWS_EXCEPTION(InputError, runAudit(*store_, id, plain, kGradientCanaryAudit));
    // Nor has a "private" run without noise (σ = 0: ε is infinite), refused before it retrains.
    auto noiseless = run;
    noiseless.spec.training.privacy.targetEpsilon = 0;
    noiseless.spec.training.privacy.noiseMultiplier = 0;
    try {
      runAudit(*store_, id, noiseless, kGradientCanaryAudit);
      QFAIL("expected an InputError");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("noise"), e.what());
    }
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
    QVERIFY_THROWS_EXCEPTION(InputError, canaries(withCheckpoint.runId, run));
  }
  void auditsRecordOnlyWhatTheyDeclare() {
    QCOMPARE(QString::fromStdString(auditMetricKey(kMembershipAudit, "lira", "auc")), QString("audit/mia_lira/auc"));
    QVERIFY_THROWS_EXCEPTION(InputError, auditMetricKey(kMembershipAudit, "lira", "accuracy"));
    // The tradeoff view's leakage metrics: every attack's AUC, the canaries' exposure in bits.
    std::map<std::string, std::string> units;
    for (const auto& m : auditMetricColumns(AuditFamily::Privacy, true)) units[m.key] = m.unit;
    QVERIFY(units.count("audit/mia_loss/auc") && units.count("audit/mia_lira/tpr_at_0.1pct_fpr"));
    QCOMPARE(QString::fromStdString(units.at("audit/canary/exposure")), QString("bits"));
    QVERIFY(!units.count("fairness/eec/mean_difference"));
    // An audit recording a key it did not declare is refused, naming the audit and the key, and
    // leaves the run's metrics as they were.
    long long id = 0;
    auto s = spec(0, 5);
    s.audit.canaries = 0;
    s.training.epochs = 1;
    const auto run = train(s, id);
    Audit bogus;
    bogus.prefix = "audit/bogus/";
    bogus.metrics = [] { return std::vector<AuditMetricKey>{{"score", "score", "", true}}; };
    bogus.run = [](const AuditedRun&, const AuditRequest&) {
      AuditOutcome out;
      out.metrics = {{"score", 0.5}, {"secret", 1.0}};
      return out;
    };
    auditRegistry().add({"bogus", "an audit that records more than it declares"}, bogus);
    const auto before = store_->run(id)->latestMetrics;
    try {
      runAudit(*store_, id, run, "bogus");
      QFAIL("an undeclared metric was recorded");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("bogus") && QString(e.what()).contains("secret"), e.what());
    }
    QCOMPARE(store_->run(id)->latestMetrics.size(), before.size());
    // A membership attack that is not registered is named, with the closest one.
    AuditRequest request;
    request.argument = "lria";
    try {
      runAudit(*store_, id, run, kMembershipAudit, request);
      QFAIL("an unknown attack was accepted");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("did you mean 'lira'"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestPrivacyAudit)
#include "tst_privacy_audit.moc"
