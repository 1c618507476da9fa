// Tests the attack metrics against known answers: ROC/AUC/TPR at FPR/advantage on hand-made
// scores, Clopper–Pearson bounds against closed forms, the empirical ε bound's validity, LiRA on
// synthetic shadow statistics, the white-box gradient canaries on simulated DP-SGD steps (their
// bound close to the exact ε, never above it, and above it for a clipping bug), exposure's ranking, and canaries as each tokenizer sees them
// (words; BERT's WordPiece with [CLS]/[SEP]; GPT-2's BPE, where a secret digit is " 7").
#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "attacks/canaries.h"
#include "attacks/epsilon_lower_bound.h"
#include "attacks/gradient_canaries.h"
#include "attacks/lira.h"
#include "attacks/roc.h"
#include "privacy/accountant.h"
#include "privacy/gaussian_noise.h"
#include "privacy/gdp.h"
#include "util/errors.h"

using namespace trustlab;

class TestAttackMetrics : public QObject {
  Q_OBJECT

  /// n examples (the first half members of the target), K shadows each holding every other
  /// example; being IN shifts a confidence by `inShift`, and example i adds 0.05·i to all.
  struct World {
    std::vector<double> target;
    std::vector<bool> member;
    std::vector<std::vector<double>> shadow;
    std::vector<std::vector<bool>> in;
  };
  static World syntheticWorld(int n, int K, double inShift, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0, 1);
    World w{std::vector<double>(n), std::vector<bool>(n), std::vector<std::vector<double>>(K, std::vector<double>(n)),
            std::vector<std::vector<bool>>(K, std::vector<bool>(n))};
    for (int k = 0; k < K; ++k)
      for (int i = 0; i < n; ++i) {
        w.in[k][i] = (i + k) % 2 == 0;
        w.shadow[k][i] = (w.in[k][i] ? inShift : 0) + noise(rng) + 0.05 * i;
      }
    for (int i = 0; i < n; ++i) {
      w.member[i] = i < n / 2;
      w.target[i] = (w.member[i] ? inShift : 0) + noise(rng) + 0.05 * i;
    }
    return w;
  }


  /// T steps as PrivateStepper takes them: clean sums, the tap, N(0, σ²C²) from the real noise
  /// generator and the division by the expected batch; returns the canaries' empirical ε.
  static EmpiricalEpsilon auditSimulatedSteps(double sigma, double q, long steps, long canaries, double magnitude,
                                              double delta) {
    const double clip = 0.5, expectedBatch = 64;
    std::vector<torch::Tensor> params{torch::zeros({1000, 250}), torch::zeros({400})};
    GradientCanaries tap(params, {canaries, magnitude, 11});
    GaussianNoise noise(5, torch::kCPU);
    for (long t = 0; t < steps; ++t) {
      std::vector<torch::Tensor> sums{torch::randn({1000, 250}) * 0.01, torch::randn({400}) * 0.01};
      tap.beforeNoise(sums, clip, sigma * clip, q);
      for (auto& s : sums) noise.addTo(s, sigma * clip, 1 / expectedBatch);
      tap.afterNoise(sums, expectedBatch);
    }
    return empiricalEpsilon(rocCurve(tap.scores(), tap.isMember()), delta);
  }
  /// ε of T full-batch Gaussian steps: exactly μ-GDP with μ = √T/σ (Dong, Roth, Su 2019).
  static double fullBatchEpsilon(double sigma, long steps, double delta) {
    const double mu = std::sqrt(double(steps)) / sigma;
    double lo = 0, hi = 100;
    for (int i = 0; i < 200; ++i) (gdpDelta(mu, (lo + hi) / 2) > delta ? lo : hi) = (lo + hi) / 2;
    return hi;
  }

 private Q_SLOTS:
  void rocOfHandMadeScores() {
    // Members 0.9, 0.8, 0.4; non-members 0.7, 0.3, 0.2: AUC = 8/9 (pairs ranked right).
    const auto roc = rocCurve({0.9, 0.8, 0.4, 0.7, 0.3, 0.2}, {true, true, true, false, false, false});
    QCOMPARE(roc.fpr.size(), size_t(7));
    QVERIFY(std::abs(rocAuc(roc) - 8.0 / 9.0) < 1e-12);
    QCOMPARE(tprAtFpr(roc, 0.0), 2.0 / 3.0);
    QVERIFY(std::abs(membershipAdvantage(roc) - 2.0 / 3.0) < 1e-12);
  }
  void tiesCountHalf() {
    const auto roc = rocCurve({1, 1, 1, 1}, {true, false, true, false});
    QCOMPARE(rocAuc(roc), 0.5);
    QCOMPARE(membershipAdvantage(roc), 0.0);
  }
  void rocNeedsBothClasses() {
    QVERIFY_THROWS_EXCEPTION(std::exception, rocCurve({1, 2}, {true, true}));
  }
  void incompleteBetaKnownValues() {
    QVERIFY(std::abs(incompleteBeta(0.3, 1, 1) - 0.3) < 1e-12);                           // uniform
    QVERIFY(std::abs(incompleteBeta(0.4, 2, 3) - 0.5248) < 1e-12);                        // 1 − (1−x)^3(1+3x)... = 0.5248
    QVERIFY(std::abs(incompleteBeta(0.5, 10, 10) - 0.5) < 1e-12);                         // symmetry
    QVERIFY(std::abs(betaQuantile(0.975, 1, 9) - (1 - std::pow(0.025, 1.0 / 9))) < 1e-10);
  }
  void clopperPearsonClosedForms() {
    // k = 0: upper = 1 − α^(1/n); k = n: lower = α^(1/n).
    QVERIFY(std::abs(clopperPearsonUpper(0, 10, 0.025) - (1 - std::pow(0.025, 0.1))) < 1e-10);
    QVERIFY(std::abs(clopperPearsonLower(10, 10, 0.025) - std::pow(0.025, 0.1)) < 1e-10);
    QCOMPARE(clopperPearsonLower(0, 10, 0.025), 0.0);
    // R: binom.test(7, 20)$conf.int = 0.1539092 0.5921885
    QVERIFY(std::abs(clopperPearsonLower(7, 20, 0.025) - 0.1539092) < 1e-6);
    QVERIFY(std::abs(clopperPearsonUpper(7, 20, 0.025) - 0.5921885) < 1e-6);
  }
  void empiricalEpsilonIsValidForARandomizedResponseMechanism() {
    // Randomised response with ε = 1 is exactly 1-DP: an attacker sees the true bit with
    // probability e/(1+e). Over repeated trials the 95 % bound must stay below 1 (almost always)
    // and be positive with enough samples.
    std::mt19937_64 rng(3);
    const double keep = std::exp(1.0) / (1 + std::exp(1.0));
    int exceed = 0, positive = 0;
    for (int trial = 0; trial < 20; ++trial) {
      std::bernoulli_distribution truthful(keep);
      std::vector<double> scores;
      std::vector<bool> member;
      for (int i = 0; i < 4000; ++i) {
        const bool m = i % 2 == 0;
        const bool said = truthful(rng) ? m : !m;
        scores.push_back(said ? 1 : 0);
        member.push_back(m);
      }
      const auto e = empiricalEpsilon(rocCurve(scores, member), 0);
      exceed += e.lowerBound > 1.0;
      positive += e.lowerBound > 0.7;
    }
    QCOMPARE(exceed, 0);
    QVERIFY2(positive >= 18, qPrintable(QString::number(positive)));
  }
  void gradientCanariesComeCloseToTheExactEpsilonNeverAbove() {
    // Full batch (q = 1): the steps are exactly Gaussian, so the bound can approach the exact ε.
    torch::manual_seed(1);
    const double delta = 1e-5;
    for (const double sigma : {7.5, 2.16, 1.2}) {  // ε ≈ 1, 4, 8
      const double theory = fullBatchEpsilon(sigma, 4, delta);
      const auto e = auditSimulatedSteps(sigma, 1.0, 4, 200000, 1.0, delta);
      qInfo("σ %.1f: white-box bound %.3f, estimate %.3f, exact ε %.3f", sigma, e.lowerBound, e.pointEstimate, theory);
      QVERIFY2(e.lowerBound <= theory, qPrintable(QString("σ %1: bound %2 > ε %3").arg(sigma).arg(e.lowerBound).arg(theory)));
      // With 200k canaries at δ = 1e-5 the certified bound reaches 0.47–0.57 of ε over noise seeds
      // (measured at each σ): 0.4 leaves room for the draw, a blind audit (bound ≈ 0) still fails.
      QVERIFY2(e.lowerBound >= 0.4 * theory, qPrintable(QString("σ %1: bound %2 vs ε %3").arg(sigma).arg(e.lowerBound).arg(theory)));
    }
  }
  void gradientCanariesUnderSubsamplingStayBelowTheAccountant() {
    torch::manual_seed(2);
    const double delta = 1e-5, sigma = 1.0, q = 0.2;
    const long steps = 20;
    auto prv = makeAccountant("prv");
    prv->compose(sigma, q, steps);
    const double theory = prv->epsilon(delta);
    const auto e = auditSimulatedSteps(sigma, q, steps, 200000, 1.0, delta);
    qInfo("q %.1f: white-box bound %.3f, estimate %.3f, PRV ε %.3f", q, e.lowerBound, e.pointEstimate, theory);
    QVERIFY2(e.lowerBound <= theory, qPrintable(QString("bound %1 > ε %2").arg(e.lowerBound).arg(theory)));
    QVERIFY2(e.lowerBound > 0.2 * theory, qPrintable(QString("bound %1 vs ε %2").arg(e.lowerBound).arg(theory)));
  }
  void gradientCanariesCatchAClippingBug() {
    // An example that adds 2C (clipping skipped) leaks more than the accountant says: caught.
    torch::manual_seed(3);
    const double delta = 1e-5, sigma = 2.0, theory = fullBatchEpsilon(sigma, 4, delta);
    const auto e = auditSimulatedSteps(sigma, 1.0, 4, 60000, 2.0, delta);
    QVERIFY2(e.lowerBound > theory, qPrintable(QString("bound %1 vs ε %2").arg(e.lowerBound).arg(theory)));
  }
  void liraSeparatesWhenInAndOutDiffer() {
    // IN confidence ~ N(3, 1), OUT ~ N(0, 1), plus per-example offsets: online and offline LiRA,
    // fixed or per-example variance, all rank members first.
    const auto w = syntheticWorld(200, 16, 3.0, 5);
    for (bool online : {true, false})
      for (bool fixed : {true, false}) {
        const double auc = rocAuc(rocCurve(liraScores(w.target, w.shadow, w.in, {online, fixed}), w.member));
        QVERIFY2(auc > 0.9, qPrintable(QString("online %1 fixed %2: AUC %3").arg(online).arg(fixed).arg(auc)));
      }
  }
  void liraIsBlindWhenShadowsShowNoDifference() {
    const auto w = syntheticWorld(2000, 8, 0.0, 6);
    const double auc = rocAuc(rocCurve(liraScores(w.target, w.shadow, w.in, {true, true}), w.member));
    QVERIFY2(std::abs(auc - 0.5) < 0.05, qPrintable(QString::number(auc)));
  }
  void canaryTokensSplitPrefixSecretAndSpecials() {
    TokenizerOptions words;
    const auto vocabulary = Vocabulary::build({"my pin is 7 3 9"}, words);
    auto t = canaryTokens("My pin is", {"7", "3", "9"}, vocabulary, words);
    QCOMPARE(t.before, (std::vector<long>{vocabulary.id("my"), vocabulary.id("pin"), vocabulary.id("is")}));
    QCOMPARE(t.words, (std::vector<long>{vocabulary.id("7"), vocabulary.id("3"), vocabulary.id("9")}));
    QVERIFY(t.after.empty());
    TokenizerOptions chars = words;
    chars.type = "char";  // "▁" between words: the secret is not one token per word
    QVERIFY_THROWS_EXCEPTION(InputError, canaryTokens("my pin is", {"7", "3"}, Vocabulary::build({"my pin is 7 3"}, chars), chars));

    const std::string data = TRUSTLAB_TEST_DATA_DIR;
    if (!std::filesystem::exists(data + "/tokenizers/gpt2/encoder.json")) QSKIP("../shared/data not present");
    TokenizerOptions bert;
    bert.pretrained = data + "/tokenizers/bert_base_uncased/vocab.txt";
    const auto bertVocabulary = Vocabulary::ofPretrained(bert.pretrained);
    t = canaryTokens("My PIN is", {"7", "3"}, bertVocabulary, bert);
    QCOMPARE(t.before, (std::vector<long>{bertVocabulary.id("[CLS]"), bertVocabulary.id("my"), bertVocabulary.id("pin"),
                                          bertVocabulary.id("is")}));
    QCOMPARE(t.words, (std::vector<long>{bertVocabulary.id("7"), bertVocabulary.id("3")}));
    QCOMPARE(t.after, (std::vector<long>{bertVocabulary.id("[SEP]")}));
    TokenizerOptions gpt2;
    gpt2.pretrained = data + "/tokenizers/gpt2";
    const auto gpt2Vocabulary = Vocabulary::ofPretrained(gpt2.pretrained);
    t = canaryTokens("My PIN is", {"7", "q"}, gpt2Vocabulary, gpt2);
    QCOMPARE(t.before.size(), size_t(3));  // My, ĠPIN, Ġis; no special tokens
    const std::string space = "\xC4\xA0";  // "Ġ": GPT-2's byte for the space before a word
    QCOMPARE(t.words, (std::vector<long>{gpt2Vocabulary.id(space + "7"), gpt2Vocabulary.id(space + "q")}));
    QVERIFY(t.after.empty());
    QVERIFY_THROWS_EXCEPTION(InputError, canaryTokens("my pin is", {"antidisestablishmentarianism"}, gpt2Vocabulary, gpt2));
  }
};

QTEST_APPLESS_MAIN(TestAttackMetrics)
#include "tst_attack_metrics.moc"
