// Tests core/privacy accountants against the known-answer vectors of ../shared/docs/privacy.md
// §5.1 (Opacus) and §5.4 (TF-Privacy / dp_accounting), a direct numerical integral of the RDP
// moment, and edge cases (q = 0/1, tiny q, extreme σ, T = 0, bad δ, NaN).
#include <QtTest>

#include <ATen/Parallel.h>

#include <cmath>
#include <limits>

#include "privacy/accountant.h"
#include "privacy/gdp.h"
#include "privacy/log_math.h"
#include "privacy/prv.h"
#include "privacy/rdp.h"
#include "util/errors.h"

using namespace trustlab;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

bool relClose(double got, double want, double rtol) { return std::abs(got - want) <= rtol * std::abs(want); }

/// log E_{z~N(0,σ²)}[((1−q) + q·e^{(2z−1)/(2σ²)})^α] by a fine trapezoid in log space: an
/// independent check of the series used by rdpPoissonGaussian.
double logMomentByIntegration(double q, double sigma, double alpha) {
  const double lo = -40 * sigma, hi = alpha + 40 * sigma + 1;
  const long n = 400000;
  const double h = (hi - lo) / double(n);
  double logSum = -kInf;
  for (long i = 0; i <= n; ++i) {
    const double z = lo + h * double(i);
    const double logPhi = -z * z / (2 * sigma * sigma) - std::log(sigma * std::sqrt(2 * M_PI));
    const double e = (2 * z - 1) / (2 * sigma * sigma);
    const double logInner = logmath::logAdd(std::log1p(-q), std::log(q) + e);
    const double w = (i == 0 || i == n) ? 0.5 : 1.0;
    logSum = logmath::logAdd(logSum, std::log(w * h) + logPhi + alpha * logInner);
  }
  return logSum;
}
}  // namespace

class TestAccountants : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // ---- §5.1 Opacus -----------------------------------------------------------------------
  void rdpOpacusVector() {
    const auto r = rdpEpsilon({{1.5, 0.04, 2250}}, 1e-5);
    QVERIFY2(relClose(r.epsilon, 7.32911117143, 1e-6), qPrintable(QString::number(r.epsilon, 'g', 15)));
    QCOMPARE(r.order, 3.9);
  }
  void gdpOpacusVector() {
    const double eps = gdpEpsilon({{1.5, 0.04, 2249}}, 1e-5);
    QVERIFY2(eps > 6.59 && eps < 6.6, qPrintable(QString::number(eps, 'g', 15)));
  }
  void prvOpacusVector() {
    const auto r = prvEpsilon({{1.5, 0.04, 2249}}, 1e-5);
    QVERIFY2(std::abs(r.upper - 6.777395712150674) < 1e-4, qPrintable(QString::number(r.upper, 'g', 15)));
    QVERIFY(r.lower <= r.estimate && r.estimate <= r.upper);
    QVERIFY(r.upper < rdpEpsilon({{1.5, 0.04, 2249}}, 1e-5).epsilon);  // PRV is tighter than RDP here
    const auto r2250 = prvEpsilon({{1.5, 0.04, 2250}}, 1e-5);
    QVERIFY(std::abs(r2250.upper - 6.779132077722244) < 1e-4);
  }
  void heterogeneousHistories() {
    // Splitting one phase in two must not change ε (PRV: same discretisation up to its error).
    const PrivacyHistory whole = {{1.2, 0.02, 600}}, split = {{1.2, 0.02, 250}, {1.2, 0.02, 350}};
    QCOMPARE(rdpEpsilon(split, 1e-5).epsilon, rdpEpsilon(whole, 1e-5).epsilon);
    QVERIFY(std::abs(gdpEpsilon(split, 1e-5) - gdpEpsilon(whole, 1e-5)) < 1e-9);
    // historyFromLedger merges equal phases, so feed PRV a genuinely heterogeneous history too.
    const double prvSplit = prvEpsilon({{1.2, 0.02, 250}, {1.2, 0.021, 350}}, 1e-5).upper;
    const double prvLow = prvEpsilon({{1.2, 0.02, 600}}, 1e-5).upper, prvHigh = prvEpsilon({{1.2, 0.021, 600}}, 1e-5).upper;
    QVERIFY2(prvSplit > prvLow - 1e-3 && prvSplit < prvHigh + 1e-3, qPrintable(QString("%1 in [%2, %3]").arg(prvSplit).arg(prvLow).arg(prvHigh)));
    QVERIFY(std::abs(prvEpsilon(split, 1e-5).upper - prvEpsilon(whole, 1e-5).upper) < 2e-3);
  }
  void rdpOpacusDoctestHeterogeneous() {
    std::vector<double> orders;
    for (int a = 2; a <= 32; ++a) orders.push_back(a);
    const auto r = rdpEpsilon({{1.0, 1e-5, 10}, {3.0, 1e-4, 4}}, 1e-5, orders);
    QVERIFY2(std::abs(r.epsilon - 0.336) < 5e-4, qPrintable(QString::number(r.epsilon, 'g', 15)));
    QCOMPARE(r.order, 23.0);
  }
  void defaultOrders() {
    const auto& o = defaultRdpOrders();
    QCOMPARE(o.size(), size_t(151));
    QCOMPARE(o.front(), 1.1);
    QCOMPARE(o[98], 10.9);
    QCOMPARE(o[99], 12.0);
    QCOMPARE(o.back(), 63.0);
  }

  // ---- §5.4 TF-Privacy / dp_accounting -------------------------------------------------
  void rdpVectorFractionalAndInteger() {
    const std::vector<double> orders = {1.5, 2.5, 5, 50, 100, kInf};
    const std::vector<double> want = {6.50070897e-4, 1.08541806e-3, 2.18075656e-3, 2.38460375e-2, 1.67416308e2, kInf};
    const auto got = rdpOfHistory({{2.5, 0.01, 50}}, orders);
    for (size_t i = 0; i < orders.size(); ++i) {
      if (std::isinf(want[i])) {
        QVERIFY(std::isinf(got[i]));
        continue;
      }
      QVERIFY2(relClose(got[i], want[i], 1e-6), qPrintable(QString("α=%1: %2").arg(orders[i]).arg(got[i], 0, 'g', 12)));
    }
  }
  void rdpIsTheSameForAnyThreadCount() {
    // The orders are spread over threads: every thread count must give the very same numbers.
    const PrivacyHistory h = {{0.8, 0.004, 2000}, {3.0, 1.0, 1}, {1.3, 0.02, 0}};
    const int threads = at::get_num_threads();
    std::vector<std::vector<double>> runs;
    for (int t : {1, 2, 3, 8}) {
      at::set_num_threads(t);
      runs.push_back(rdpOfHistory(h, defaultRdpOrders()));
    }
    at::set_num_threads(threads);
    for (const auto& r : runs) QVERIFY(r == runs.front());
    QCOMPARE(runs.front().size(), defaultRdpOrders().size());
  }
  void rdpScalarAndSpecialCases() {
    QVERIFY(std::abs(10 * rdpPoissonGaussian(0.1, 2, 5) - 0.07737) < 5e-6);
    QCOMPARE(rdpOfHistory({{10, 0.0, 1}}, {20})[0], 0.0);
    QVERIFY(std::abs(rdpOfHistory({{10, 1.0, 1}}, {20})[0] - 0.1) < 1e-15);
    QVERIFY(std::isinf(rdpPoissonGaussian(0.1, 0, 2)));
  }
  void pureDpConversion() {
    std::vector<double> orders, rdp;
    for (int a = 2; a <= 32; ++a) {
      orders.push_back(a);
      rdp.push_back(1.1);
    }
    const auto r = rdpToEpsilon(orders, rdp, 1e-5);
    QVERIFY(std::abs(r.epsilon - 1.32783806176) < 1e-7);
    QCOMPARE(r.order, 32.0);
  }
  void gaussianWithoutSampling() {
    std::vector<double> orders;
    for (long i = 1001; i < 100000; ++i) orders.push_back(double(i) / 1000);
    const auto r = rdpEpsilon({{4.530877117, 1.0, 1}}, 1e-6, orders);
    QVERIFY2(std::abs(r.epsilon - 1.0) < 1e-7, qPrintable(QString::number(r.epsilon, 'g', 15)));
  }
  void compositionBound() {
    const std::vector<double> orders = {1.25, 1.5, 1.75, 2., 2.5, 3., 4., 5., 6., 7., 8., 10., 12., 14., 16., 20., 24., 28., 32., 64., 256.};
    const auto r = rdpEpsilon({{0.4, 1e-4, 40000}, {2, 0.1, 100}}, 1e-5, orders);
    QVERIFY2(r.epsilon <= 8.509656, qPrintable(QString::number(r.epsilon, 'g', 12)));
    QVERIFY(r.epsilon > 7);  // the improved conversion is tighter, not absurdly so
  }
  void logMomentAgainstIntegral_data() {
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("sigma");
    QTest::addColumn<double>("alpha");
    QTest::newRow("1e-6,1,27") << 1e-6 << 1.0 << 27.0;
    QTest::newRow("1e-4,1,1.5") << 1e-4 << 1.0 << 1.5;
    QTest::newRow("1e-3,1,2") << 1e-3 << 1.0 << 2.0;
    QTest::newRow(".01,10,20") << 0.01 << 10.0 << 20.0;
    QTest::newRow(".1,100,20.5") << 0.1 << 100.0 << 20.5;
    QTest::newRow(".04,1.5,3.9") << 0.04 << 1.5 << 3.9;
    QTest::newRow(".5,.8,7.3") << 0.5 << 0.8 << 7.3;
  }
  void logMomentAgainstIntegral() {
    QFETCH(double, q);
    QFETCH(double, sigma);
    QFETCH(double, alpha);
    const double logA = rdpPoissonGaussian(q, sigma, alpha) * (alpha - 1);
    const double ref = logMomentByIntegration(q, sigma, alpha);
    // rtol 1e-4 on A (the moment), atol 1e-8.
    QVERIFY2(std::abs(std::exp(logA) - std::exp(ref)) <= 1e-4 * std::exp(ref) + 1e-8,
             qPrintable(QString("%1 vs %2").arg(logA, 0, 'g', 12).arg(ref, 0, 'g', 12)));
  }

  // ---- edge cases -----------------------------------------------------------------------
  void zeroStepsIsZeroEpsilon() {
    for (const auto& acc : accountantNames()) QCOMPARE(computeEpsilon(acc, {{1.0, 0.01, 0}}, 1e-5).epsilon, 0.0);
  }
  void noSubsamplingAllAccountants() {
    // q = 1: the plain Gaussian mechanism; all three should agree closely at one step.
    // q = 1, one step: the plain Gaussian mechanism, exactly (1/σ)-GDP (Dong, Roth, Su).
    const double rdp = computeEpsilon("rdp", {{2.0, 1.0, 1}}, 1e-5).epsilon;
    const double prv = computeEpsilon("prv", {{2.0, 1.0, 1}}, 1e-5).epsilon;
    double lo = 0, hi = 50;
    for (int i = 0; i < 200; ++i) (gdpDelta(0.5, 0.5 * (lo + hi)) > 1e-5 ? lo : hi) = 0.5 * (lo + hi);
    const double exact = hi;
    QVERIFY2(prv >= exact - 1e-6 && prv <= exact + 0.011, qPrintable(QString("%1 vs exact %2").arg(prv).arg(exact)));
    QVERIFY(rdp >= exact);
  }
  void tinyAndExtremeParameters() {
    for (const auto& acc : accountantNames()) {
      // RDP cannot certify less than ≈ log(1/δ)/(α_max − 1) with orders up to 63.
      const double floor = acc == "rdp" ? 0.2 : 0.05;
      const double tinyQ = computeEpsilon(acc, {{1.0, 1e-9, 1000}}, 1e-5).epsilon;
      QVERIFY2(tinyQ >= 0 && tinyQ < floor, qPrintable(QString::fromStdString(acc) + " " + QString::number(tinyQ)));
      const double hugeSigma = computeEpsilon(acc, {{1000.0, 0.01, 1000}}, 1e-5).epsilon;
      QVERIFY(hugeSigma >= 0 && hugeSigma < floor);
      const double tinySigma = computeEpsilon(acc, {{0.05, 0.01, 100}}, 1e-5).epsilon;
      QVERIFY(tinySigma > 10);  // large (or infinite), never small
    }
    QVERIFY(std::isinf(computeEpsilon("rdp", {{0.0, 0.01, 10}}, 1e-5).epsilon));
    // A loss too spread for a grid falls back to the (also rigorous) RDP bound, flagged.
    const auto spread = prvEpsilon({{0.05, 0.01, 100}}, 1e-5);
    QVERIFY(!spread.rdpFallback.empty());
    QCOMPARE(spread.upper, rdpEpsilon({{0.05, 0.01, 100}}, 1e-5).epsilon);
  }
  void badInputsAreClearErrors() {
    const double nan = std::nan("");
    for (double delta : {0.0, 1.0, 1.5, -1e-5, nan})
      QVERIFY_THROWS_EXCEPTION(InputError, computeEpsilon("rdp", {{1.0, 0.01, 10}}, delta));
    QVERIFY_THROWS_EXCEPTION(InputError, computeEpsilon("rdp", {{nan, 0.01, 10}}, 1e-5));
    QVERIFY_THROWS_EXCEPTION(InputError, computeEpsilon("prv", {{1.0, kInf, 10}}, 1e-5));
    QVERIFY_THROWS_EXCEPTION(InputError, computeEpsilon("gdp", {{1.0, 1.5, 10}}, 1e-5));
    QVERIFY_THROWS_EXCEPTION(InputError, computeEpsilon("rdp", {{1.0, 0.1, -1}}, 1e-5));
    QVERIFY_THROWS_EXCEPTION(InputError, computeEpsilon("moments", {{1.0, 0.1, 1}}, 1e-5));
    try {
      computeEpsilon("rdp", {{1.0, 0.01, 10}}, 2.0);
    } catch (const InputError& e) {
      QVERIFY(QString(e.what()).contains("delta"));
    }
  }
  void monotoneInStepsAndSigma() {
    for (const auto& acc : accountantNames()) {
      double previous = 0;
      for (long t : {10L, 100L, 1000L}) {
        const double e = computeEpsilon(acc, {{1.2, 0.02, t}}, 1e-5).epsilon;
        QVERIFY(e >= previous);
        previous = e;
      }
      QVERIFY(computeEpsilon(acc, {{2.0, 0.02, 500}}, 1e-5).epsilon < computeEpsilon(acc, {{1.0, 0.02, 500}}, 1e-5).epsilon);
    }
  }

  void epsilonGrowsWithEveryArgumentOfThePrivacyLoss() {
    // ε grows with q, T and 1/δ and falls with σ, for every accountant, around a few settings.
    // PRV's upper bound moves on a mesh of its own (its ε slack 0.01 depends on T): allowed that.
    for (const auto& acc : accountantNames()) {
      const double slack = acc == "prv" ? 0.01 : 1e-12;
      for (GaussianPhase base : {GaussianPhase{0.8, 0.01, 200}, GaussianPhase{1.5, 0.05, 1000}, GaussianPhase{5.0, 0.2, 50}}) {
        auto eps = [&](GaussianPhase p, double delta) { return computeEpsilon(acc, {p}, delta).epsilon; };
        const double e = eps(base, 1e-5);
        const auto why = [&](const char* arg) {
          return qPrintable(QString("%1: ε did not move right with %2 at σ=%3 q=%4 T=%5")
                                .arg(QString::fromStdString(acc), arg).arg(base.noiseMultiplier).arg(base.sampleRate).arg(base.steps));
        };
        QVERIFY2(eps({base.noiseMultiplier, base.sampleRate * 2, base.steps}, 1e-5) > e - slack, why("q"));
        QVERIFY2(eps({base.noiseMultiplier, base.sampleRate, base.steps * 3}, 1e-5) > e - slack, why("T"));
        QVERIFY2(eps(base, 1e-7) > e - slack, why("1/δ"));
        QVERIFY2(eps({base.noiseMultiplier * 1.5, base.sampleRate, base.steps}, 1e-5) < e + slack, why("σ"));
      }
    }
  }
  void prvAnswersWhereverRdpDoes_data() {
    QTest::addColumn<double>("sigma");
    QTest::addColumn<double>("q");
    QTest::addColumn<qlonglong>("steps");
    // σ from 0.3 to 200, q from 1e-5 to 1, ε from ≈ 0.01 to beyond 50 (RDP's answer); the rows
    // where PRV's discretisation once threw (small σ, large q) are among them.
    for (double sigma : {0.3, 0.5, 1.0, 5.0, 30.0, 100.0, 200.0})
      for (double q : {1e-5, 1e-3, 0.1, 0.5, 1.0})
        for (qlonglong steps : {1LL, 10LL, 1000LL})
          QTest::addRow("s%g_q%g_T%lld", sigma, q, steps) << sigma << q << steps;
  }
  void prvAnswersWhereverRdpDoes() {
    QFETCH(double, sigma);
    QFETCH(double, q);
    QFETCH(qlonglong, steps);
    const PrivacyHistory h{{sigma, q, long(steps)}};
    const double rdp = rdpEpsilon(h, 1e-5).epsilon;
    const auto prv = prvEpsilon(h, 1e-5);
    const auto said = computeEpsilon("prv", h, 1e-5);
    QVERIFY(std::isfinite(rdp));
    QVERIFY2(std::isfinite(prv.upper), "PRV must answer (or fall back) wherever RDP does");
    QCOMPARE(said.epsilon, prv.upper);
    if (!prv.rdpFallback.empty()) {
      QCOMPARE(prv.upper, rdp);  // the fallback is RDP's own bound, and it is said
      QVERIFY(QString::fromStdString(said.warning).contains("RDP bound is reported"));
      return;
    }
    QVERIFY(said.warning.empty());
    QVERIFY(prv.lower <= prv.estimate && prv.estimate <= prv.upper);
    QVERIFY2(prv.upper <= rdp + 0.011, qPrintable(QString("PRV %1 above RDP %2").arg(prv.upper).arg(rdp)));
    if (q == 1.0) {
      // No subsampling: T steps are exactly (√T/σ)-GDP; the exact ε must lie in PRV's interval.
      const double mu = std::sqrt(double(steps)) / sigma;
      double lo = 0, hi = 200;
      for (int i = 0; i < 200; ++i) (gdpDelta(mu, 0.5 * (lo + hi)) > 1e-5 ? lo : hi) = 0.5 * (lo + hi);
      QVERIFY2(prv.lower <= hi + 1e-6 && hi <= prv.upper + 1e-6,
               qPrintable(QString("exact %1 outside PRV [%2, %3]").arg(hi).arg(prv.lower).arg(prv.upper)));
    }
  }

  // ---- the accountant interface --------------------------------------------------------------
  void composeMergesPhasesAndMatchesTheHistory() {
    for (const auto& name : accountantNames()) {
      auto a = makeAccountant(name);
      QCOMPARE(a->name(), name);
      QCOMPARE(a->epsilon(1e-5), 0.0);
      a->compose(1.1, 0.01, 100);
      const double first = a->epsilon(1e-5);
      a->compose(1.1, 0.01, 150);  // the same mechanism: one phase of 250 steps
      QCOMPARE(a->history().size(), size_t(1));
      QCOMPARE(a->steps(), 250L);
      QCOMPARE(a->epsilon(1e-5), computeEpsilon(name, {{1.1, 0.01, 250}}, 1e-5).epsilon);
      QVERIFY(a->epsilon(1e-5) > first);
      a->compose(0.9, 0.02, 50);
      QCOMPARE(a->history().size(), size_t(2));
      QCOMPARE(a->epsilon(1e-5), computeEpsilon(name, {{1.1, 0.01, 250}, {0.9, 0.02, 50}}, 1e-5).epsilon);
      QVERIFY_THROWS_EXCEPTION(InputError, a->compose(std::nan(""), 0.01, 1));
      QVERIFY_THROWS_EXCEPTION(InputError, a->epsilon(0));
    }
    // RDP through the interface is the per-step RDP scaled by the steps, to the last bit.
    auto rdp = makeAccountant(kRdpAccountant);
    for (long t = 10; t <= 1000; t += 10) {
      rdp->compose(1.0, 0.004, 10);
      QCOMPARE(rdp->epsilon(1e-5), rdpEpsilonAfterSteps(rdpOfHistory({{1.0, 0.004, 1}}, defaultRdpOrders()), t, 1e-5).epsilon);
    }
  }
  void unknownAccountantSuggestsTheNearest() {
    try {
      makeAccountant("rpd");
      QFAIL("an unknown accountant was made");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("privacy.accountant") && QString(e.what()).contains("did you mean 'rdp'"),
               e.what());
    }
  }
  /// Last: it adds to the registry every other test iterates.
  void anAddedAccountantWorksEverywhereByName() {
    // Basic composition of the Gaussian mechanism without subsampling credit: a loose but valid
    // bound that a plugin could add (ε_step from the exact Gaussian curve, δ split evenly).
    struct Basic : Accountant {
      EpsilonResult epsilonOf(const PrivacyHistory& h, double delta) const override {
        double eps = 0;
        const double perStepDelta = delta / double(totalSteps(h));
        for (const auto& p : h) eps += double(p.steps) * std::sqrt(2 * std::log(1.25 / perStepDelta)) / p.noiseMultiplier;
        return {eps, 0};
      }
    };
    accountantRegistry().add({"basic", "basic composition (test)"},
                             {[] { return std::unique_ptr<Accountant>(new Basic); }, "basic", "loose", false});
    QVERIFY(computeEpsilon("basic", {{10.0, 0.01, 10}}, 1e-5).epsilon > computeEpsilon("rdp", {{10.0, 0.01, 10}}, 1e-5).epsilon);
    QCOMPARE(accountantNames().back(), std::string("basic"));
  }
};

QTEST_GUILESS_MAIN(TestAccountants)
#include "tst_accountants.moc"
