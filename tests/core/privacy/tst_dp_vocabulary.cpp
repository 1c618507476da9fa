// Tests core/privacy/dp_vocabulary: δ_τ against Φ̄ known answers, the automatic threshold, bounded
// contributions, the empirical chance that a word of one example is released (never above δ_τ),
// frequent words kept, seeded and secure noise, and calibration that leaves room for the release.
#include <QtTest>

#include <cmath>

#include "privacy/calibration.h"
#include "privacy/dp_vocabulary.h"
#include "util/errors.h"

using namespace trustlab;

namespace {

PrivacyConfig dpVocabulary(double z, long words, double threshold, double delta = 1e-5) {
  PrivacyConfig p;
  p.mode = kPrivacyEdp;
  p.delta = delta;
  p.vocabularyNoise = z;
  p.vocabularyMaxWords = words;
  p.vocabularyThreshold = threshold;
  return p;
}

/// `n` texts "common word k" and, with `withRare`, one more text holding a word of its own.
std::vector<std::string> corpus(int n, bool withRare) {
  std::vector<std::string> texts;
  for (int i = 0; i < n; ++i) texts.push_back("common word " + std::to_string(i % 3));
  if (withRare) texts.push_back("zyxwv common");
  return texts;
}

}  // namespace

class TestDpVocabulary : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void thresholdDeltaKnownAnswers() {
    // Φ̄(3) = 1.3498980316e-3: z = 1, Δ0 = 1, τ = 4 → δ_τ = Φ̄(3); z = 2, Δ0 = 4 (std 4), τ = 13 → 4·Φ̄(3).
    const auto a = vocabularyRelease(dpVocabulary(1, 1, 4, 0.01));
    QVERIFY(a);
    QVERIFY(std::abs(a->thresholdDelta / 1.3498980316e-3 - 1) < 1e-8);
    const auto b = vocabularyRelease(dpVocabulary(2, 4, 13, 0.01));
    QVERIFY(std::abs(b->thresholdDelta / (4 * 1.3498980316e-3) - 1) < 1e-8);
    QCOMPARE(b->phase.noiseMultiplier, 2.0);
    QCOMPARE(b->phase.sampleRate, 1.0);
    QCOMPARE(b->phase.steps, 1L);
  }
  void automaticThresholdTakesATenthOfDelta() {
    const auto p = dpVocabulary(3, 16, 0, 1e-5);
    const auto r = vocabularyRelease(p);
    QVERIFY(std::abs(r->thresholdDelta / 1e-6 - 1) < 1e-6);
    QVERIFY(r->threshold > 1 + 3 * 4 * 5);  // Φ̄⁻¹(1e-6/16) ≈ 5.3 standard deviations of 12
    QVERIFY(std::abs(accountantDelta(p) - 9e-6) < 1e-15);
    QCOMPARE(releasesBeforeTraining(p).size(), size_t(1));
  }
  void noReleaseWithoutNoiseOrWithoutDp() {
    auto p = dpVocabulary(0, 16, 0);
    QVERIFY(!vocabularyRelease(p));
    QVERIFY(releasesBeforeTraining(p).empty());
    QCOMPARE(accountantDelta(p), p.delta);
    p = dpVocabulary(2, 16, 0);
    p.mode = kPrivacyOff;
    QVERIFY(!vocabularyRelease(p));
  }
  void thresholdTooLowIsRefusedNamingTheField() {
    // τ = 1: a word of one example passes half the time, far above δ.
    try {
      vocabularyRelease(dpVocabulary(1, 4, 1));
      QFAIL("accepted");
    } catch (const InputError& e) {
      QCOMPARE(e.field(), std::string("vocabulary_threshold"));
    }
  }
  void contributionsAreBounded() {
    TokenizerOptions o;
    const auto all = Vocabulary::countTokens({"a a b c", "a d"}, o);
    QCOMPARE(all.at("a"), 3.0);
    const auto bounded = Vocabulary::countTokens({"a a b c", "a d"}, o, 2);
    QCOMPARE(bounded.at("a"), 2.0);  // once per text
    QCOMPARE(bounded.at("b"), 1.0);
    QVERIFY(!bounded.count("c"));  // the first text's third distinct word
    QCOMPARE(bounded.at("d"), 1.0);
  }
  void wordOfOneExampleIsReleasedAtMostWithDeltaTau() {
    // z = 1, Δ0 = 1, τ = 2: the rare word's noisy count 1 + N(0, 1) reaches τ with Φ̄(1) = 0.1587.
    // Over 600 seeds the kept fraction must agree with it (and so stay below δ_τ + 4 s.e.).
    const auto p = dpVocabulary(1, 1, 2, 0.5);
    const double deltaTau = vocabularyRelease(p)->thresholdDelta;
    QVERIFY(std::abs(deltaTau - 0.158655254) < 1e-8);
    const int trials = 600;
    int kept = 0;
    TokenizerOptions o;
    for (int seed = 0; seed < trials; ++seed)
      kept += buildPrivateVocabulary(corpus(30, true), o, p, uint64_t(seed)).id("zyxwv") != Vocabulary::kUnk;
    const double rate = double(kept) / trials, se = std::sqrt(deltaTau * (1 - deltaTau) / trials);
    QVERIFY2(std::abs(rate - deltaTau) < 4 * se, qPrintable(QString("kept %1 of %2").arg(kept).arg(trials)));
    // Without that example the word is never released: only counted tokens can be.
    for (int seed = 0; seed < 50; ++seed)
      QCOMPARE(buildPrivateVocabulary(corpus(30, false), o, p, uint64_t(seed)).id("zyxwv"), Vocabulary::kUnk);
  }
  void frequentWordsAreKeptMostFrequentFirst() {
    const auto p = dpVocabulary(1, 4, 0);  // τ ≈ 1 + 2·4.9 ≈ 11
    TokenizerOptions o;
    const auto v = buildPrivateVocabulary(corpus(300, true), o, p, 7);
    QCOMPARE(v.token(0), std::string("<pad>"));
    QCOMPARE(v.token(1), std::string("<unk>"));
    // About 300 for "common" and "word" (noise std 2), 100 for each of "0", "1", "2".
    QVERIFY(v.id("common") < 4 && v.id("word") < 4);
    for (const char* w : {"0", "1", "2"}) QVERIFY2(v.id(w) >= 4 && v.id(w) < 7, w);
    QCOMPARE(v.id("zyxwv"), Vocabulary::kUnk);
    QCOMPARE(v.size(), size_t(7));
    o.maxSize = 4;  // the most frequent noisy counts fill a capped vocabulary
    QCOMPARE(buildPrivateVocabulary(corpus(300, true), o, p, 7).size(), size_t(4));
  }
  void seededNoiseIsReproducibleAndSecureNoiseIsNot() {
    const auto p = dpVocabulary(1, 1, 2, 0.5);
    TokenizerOptions o;
    std::vector<std::string> texts;
    for (int i = 0; i < 400; ++i) texts.push_back("w" + std::to_string(i));  // 400 words counted once each
    const auto a = buildPrivateVocabulary(texts, o, p, 11), b = buildPrivateVocabulary(texts, o, p, 11);
    QCOMPARE(a.tokens(), b.tokens());
    QVERIFY(buildPrivateVocabulary(texts, o, p, 12).tokens() != a.tokens());
    auto secure = p;
    secure.secure = true;
    const auto s1 = buildPrivateVocabulary(texts, o, secure, 11), s2 = buildPrivateVocabulary(texts, o, secure, 11);
    QVERIFY(s1.tokens() != s2.tokens());  // OS-keyed: the seed plays no part
    // About Φ̄(1) of the 400 words pass in every case.
    for (const auto* v : {&a, &s1}) QVERIFY2(v->size() > 2 + 30 && v->size() < 2 + 100, qPrintable(QString::number(v->size())));
  }
  void calibrationLeavesRoomForTheVocabulary() {
    const auto p = dpVocabulary(4, 16, 0);
    const auto before = releasesBeforeTraining(p);
    const double delta = accountantDelta(p);
    const auto plain = calibrateNoise(3, delta, 0.01, 1000);
    const auto shared = calibrateNoise(3, delta, 0.01, 1000, kRdpAccountant, 5e-5, before);
    QVERIFY(shared.noiseMultiplier > plain.noiseMultiplier);
    auto history = before;
    history.push_back({shared.noiseMultiplier, 0.01, 1000});
    const double total = computeEpsilon(kRdpAccountant, history, delta).epsilon;
    QVERIFY2(total <= 3 && total > 2.99, qPrintable(QString::number(total)));
    // A vocabulary that alone spends the target leaves nothing to train with.
    try {
      calibrateNoise(3, delta, 0.01, 1000, kRdpAccountant, 5e-5, releasesBeforeTraining(dpVocabulary(0.3, 16, 0)));
      QFAIL("accepted");
    } catch (const InputError& e) {
      QCOMPARE(e.field(), std::string("target_epsilon"));
      QVERIFY(e.message().find("vocabulary") != std::string::npos);
    }
  }
};

QTEST_GUILESS_MAIN(TestDpVocabulary)
#include "tst_dp_vocabulary.moc"
