// Tests core/privacy calibration: the §5.1 σ vectors in Opacus-compatible mode, and that the
// precise mode never overshoots and is tight to 1e-4 relative in σ; the inverse questions.
#include <QtTest>

#include <cmath>

#include "privacy/accountant.h"
#include "privacy/calibration.h"
#include "privacy/privacy_history.h"
#include "util/errors.h"

using namespace trustlab;

class TestCalibration : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void stepsFromEpochs() {
    QCOMPARE(stepsForEpochs(90, 0.04), 2250L);
    QCOMPARE(stepsForEpochs(10, 256.0 / 60000), 2343L);
    QVERIFY_THROWS_EXCEPTION(InputError, stepsForEpochs(10, 0));
  }
  void opacusVectors_data() {
    QTest::addColumn<QString>("accountant");
    QTest::addColumn<long>("steps");
    QTest::addColumn<double>("expected");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("rdp epochs 90") << "rdp" << 2250L << 1.416 << 5e-4;  // stated to 3 decimals
    QTest::newRow("rdp steps 2000") << "rdp" << 2000L << 1.3562 << 5e-5;
    QTest::newRow("prv epochs 90") << "prv" << 2250L << 1.34765625 << 5e-5;
    QTest::newRow("prv steps 2000") << "prv" << 2000L << 1.2915 << 5e-5;
    QTest::newRow("gdp epochs 90") << "gdp" << 2250L << 1.3232421875 << 5e-8;
  }
  void opacusVectors() {
    QFETCH(QString, accountant);
    QFETCH(long, steps);
    QFETCH(double, expected);
    QFETCH(double, tolerance);
    const auto c = calibrateNoiseOpacusCompatible(8, 1e-5, 0.04, steps, accountant.toStdString());
    QVERIFY2(std::abs(c.noiseMultiplier - expected) < tolerance, qPrintable(QString::number(c.noiseMultiplier, 'g', 12)));
    // The precise answer is smaller (less noise for the same guarantee) and still within budget.
    const auto precise = calibrateNoise(8, 1e-5, 0.04, steps, accountant.toStdString());
    QVERIFY(precise.noiseMultiplier <= c.noiseMultiplier);
    QVERIFY(precise.epsilon <= 8);
  }
  void preciseNeverOvershootsAndIsTight_data() {
    QTest::addColumn<QString>("accountant");
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("target");
    QTest::addColumn<double>("epochs");
    QTest::addColumn<double>("delta");
    const char* accs[] = {"rdp", "gdp", "prv"};
    int row = 0;
    for (const char* acc : accs)
      for (double q : {1e-3, 0.01, 0.1})
        for (double target : {1.0, 3.0, 10.0}) {
          if (std::string(acc) == "prv" && (q != 0.01 || target == 3.0)) continue;  // slow: a few cases
          QTest::newRow(qPrintable(QString("%1 q=%2 eps=%3 #%4").arg(acc).arg(q).arg(target).arg(row++)))
              << acc << q << target << (10.0 + 10 * (row % 4)) << (row % 2 ? 1e-5 : 1e-6);
        }
  }
  void preciseNeverOvershootsAndIsTight() {
    QFETCH(QString, accountant);
    QFETCH(double, q);
    QFETCH(double, target);
    QFETCH(double, epochs);
    QFETCH(double, delta);
    const auto acc = accountant.toStdString();
    const long steps = stepsForEpochs(epochs, q);
    const auto c = calibrateNoise(target, delta, q, steps, acc);
    const double at = computeEpsilon(acc, {{c.noiseMultiplier, q, steps}}, delta).epsilon;
    QVERIFY2(at <= target, qPrintable(QString("ε(σ̂) = %1 > %2").arg(at, 0, 'g', 12).arg(target)));
    const double below = computeEpsilon(acc, {{c.noiseMultiplier * (1 - 1e-4), q, steps}}, delta).epsilon;
    QVERIFY2(below > target, qPrintable(QString("σ not tight: ε(σ̂(1−1e-4)) = %1").arg(below, 0, 'g', 12)));
  }
  void prvSearchesItsGuideAndChecksTwice() {
    // The slider's workload: the guide (a coarse PRV) steers, the bound itself is computed twice.
    const double q = 256.0 / 60000;
    const long steps = stepsForEpochs(10, q);
    const auto c = calibrateNoise(3, 1e-5, q, steps, "prv");
    QCOMPARE(c.evaluations, 2);
    QVERIFY(c.guideEvaluations > 0);
    QVERIFY(c.epsilon <= 3);
    QVERIFY(computeEpsilon("prv", {{c.noiseMultiplier * (1 - 5e-5), q, steps}}, 1e-5).epsilon > 3);
  }
  void aMisleadingGuideCostsTimeNotCorrectness() {
    // An accountant whose guide is 30 % off: the answer is the accountant's own, as without a guide.
    auto& reg = accountantRegistry();
    if (!reg.contains("rdp-misguided")) {
      AccountantEntry e = reg.at("rdp");
      e.guide = [](const PrivacyHistory& h, double delta) { return 1.3 * computeEpsilon("rdp", h, delta).epsilon; };
      reg.add({"rdp-misguided", "RDP with a bad guide (test)"}, e);
    }
    const auto misled = calibrateNoise(2, 1e-5, 0.01, 3000, "rdp-misguided");
    const auto plain = calibrateNoise(2, 1e-5, 0.01, 3000, "rdp");
    QVERIFY(misled.epsilon <= 2);
    QVERIFY2(std::abs(std::log(misled.noiseMultiplier / plain.noiseMultiplier)) <= 5e-5,
             qPrintable(QString("%1 vs %2").arg(misled.noiseMultiplier, 0, 'g', 10).arg(plain.noiseMultiplier, 0, 'g', 10)));
    QVERIFY(misled.guideEvaluations > 0 && misled.evaluations > 2);  // it searched without the guide
  }
  void maxSteps() {
    const long steps = maxStepsForBudget(3, 1e-5, 0.01, 1.0);
    QVERIFY(steps > 0);
    QVERIFY(computeEpsilon("rdp", {{1.0, 0.01, steps}}, 1e-5).epsilon <= 3);
    QVERIFY(computeEpsilon("rdp", {{1.0, 0.01, steps + 1}}, 1e-5).epsilon > 3);
    QCOMPARE(maxStepsForBudget(0.01, 1e-5, 0.5, 0.3), 0L);
  }
  void maxBatch() {
    const long n = 60000;
    const long b = maxBatchSizeForBudget(3, 1e-5, n, 10, 1.0);
    QVERIFY(b > 0 && b <= n);
    auto eps = [&](long batch) {
      const double q = double(batch) / double(n);
      return computeEpsilon("rdp", {{1.0, q, stepsForEpochs(10, q)}}, 1e-5).epsilon;
    };
    QVERIFY(eps(b) <= 3);
    QVERIFY(b == n || eps(b + 1) > 3);
  }
  void badTargets() {
    QVERIFY_THROWS_EXCEPTION(InputError, calibrateNoise(0, 1e-5, 0.01, 100));
    QVERIFY_THROWS_EXCEPTION(InputError, calibrateNoise(std::nan(""), 1e-5, 0.01, 100));
    QVERIFY_THROWS_EXCEPTION(InputError, calibrateNoise(1, 1.0, 0.01, 100));
    QCOMPARE(calibrateNoise(1, 1e-5, 0.01, 0).noiseMultiplier, 0.0);  // T = 0: nothing to protect
  }
};

QTEST_GUILESS_MAIN(TestCalibration)
#include "tst_calibration.moc"
