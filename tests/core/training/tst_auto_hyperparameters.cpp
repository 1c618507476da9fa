// Tests core/training/auto_hyperparameters: fields left at 0 get the defaults without a budget;
// with a target ε, a batch near N/25, the most epochs whose calibrated σ stays ≤ 1.5 (checked
// against the calibration itself, one epoch more must need more), the learning rate scaled with
// the batch as the optimizer declares; fields the spec set are never touched.
#include <QtTest>

#include <cmath>

#include "privacy/calibration.h"
#include "training/auto_hyperparameters.h"
#include "util/errors.h"

using namespace trustlab;

namespace {

TrainConfig privateTraining(double target) {
  TrainConfig t;
  t.privacy.mode = kPrivacyEdp;
  t.privacy.targetEpsilon = target;
  t.privacy.delta = 1e-5;
  return t;
}

double sigmaFor(const TrainConfig& t, long n, int epochs) {
  const double q = double(t.batchSize) / double(n);
  return calibrateNoise(t.privacy.targetEpsilon, t.privacy.delta, q, stepsForEpochs(epochs, q)).noiseMultiplier;
}

}  // namespace

class TestAutoHyperparameters : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void withoutABudgetTheDefaults() {
    TrainConfig t;
    const auto chosen = chooseHyperparameters(t, 13084);
    QCOMPARE(chosen.size(), size_t(3));
    QCOMPARE(t.batchSize, kDefaultBatchSize);
    QCOMPARE(t.epochs, kDefaultEpochs);
    QCOMPARE(t.lr, kDefaultLr);
    QVERIFY(chooseHyperparameters(t, 13084).empty());  // idempotent: nothing is auto any more
    // A fixed σ (no target ε) is no budget to choose from either.
    TrainConfig fixedSigma = privateTraining(0);
    chooseHyperparameters(fixedSigma, 13084);
    QCOMPARE(fixedSigma.batchSize, kDefaultBatchSize);
  }
  void aBudgetChoosesBatchEpochsAndRate() {
    const long n = 13084;  // SNIPS's training split
    TrainConfig t = privateTraining(3);
    const auto chosen = chooseHyperparameters(t, n);
    QCOMPARE(chosen.size(), size_t(3));
    QCOMPARE(t.batchSize, 512L);
    QVERIFY2(sigmaFor(t, n, t.epochs) <= 1.5 && sigmaFor(t, n, t.epochs + 1) > 1.5,
             qPrintable(QString("%1 epochs").arg(t.epochs)));
    QVERIFY(std::abs(t.lr - 1e-3 * std::sqrt(512.0 / 64)) < 1e-12);  // Adam: square-root scaling
    QVERIFY(QString::fromStdString(describeChoices(chosen)).contains("batch_size 512"));
  }
  void setFieldsAreKeptAndScaleTheRest() {
    TrainConfig t = privateTraining(3);
    t.batchSize = 256;
    t.optimizer = "sgd";
    const auto chosen = chooseHyperparameters(t, 13084);
    QCOMPARE(chosen.size(), size_t(2));
    QCOMPARE(t.batchSize, 256L);
    QVERIFY(std::abs(t.lr - 1e-3 * 4) < 1e-12);  // SGD: linear scaling
    TrainConfig steps = privateTraining(3);
    steps.maxSteps = 100;  // a step budget: epochs are not chosen
    chooseHyperparameters(steps, 13084);
    QCOMPARE(steps.epochs, 0);
  }
  void smallDataAndTightBudgets() {
    TrainConfig small = privateTraining(3);
    chooseHyperparameters(small, 100);
    QVERIFY(small.batchSize <= 50);  // never more than half the data
    TrainConfig tight = privateTraining(0.3);
    chooseHyperparameters(tight, 13084);
    QCOMPARE(tight.epochs, 1);  // even one epoch needs σ > 1.5: the fewest
    TrainConfig unreachable = privateTraining(0.05);  // below what RDP certifies at δ = 1e-5
    QVERIFY_THROWS_EXCEPTION(InputError, chooseHyperparameters(unreachable, 13084));
    TrainConfig federated = privateTraining(3);
    chooseHyperparameters(federated, 13084, false);  // a client's budget is per round
    QCOMPARE(federated.batchSize, kDefaultBatchSize);
  }
};

QTEST_GUILESS_MAIN(TestAutoHyperparameters)
#include "tst_auto_hyperparameters.moc"
