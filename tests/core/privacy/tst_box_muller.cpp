// Tests the Box–Muller sampler of seeded DP noise: each pair against the transform computed in
// double precision with the C library's log, cos and sin (known answers at the extremes: the
// smallest u₁ reaches 9.35σ, the quarter turns point along the axes); its draws standard normal
// (moments, Kolmogorov–Smirnov, the mass far in the tails); odd lengths, seeds and the scale.
#include <QtTest>

#include <cmath>
#include <vector>

#include "privacy/box_muller.h"
#include "util/random.h"
#include "../../support/normality.h"

using namespace trustlab;

namespace {

std::vector<double> normals(int64_t n, uint64_t seed, float stddev = 1, float scale = 1, float start = 0) {
  std::vector<float> z(size_t(n), start);
  addScaledGaussian(z.data(), n, seed, stddev, scale);
  return {z.begin(), z.end()};
}

/// The transform in double precision: u₁ from the radius word's top 63 bits (| 1), θ = 2π·h/2³².
std::array<double, 2> reference(uint64_t radiusWord, uint64_t angleWord) {
  const double u1 = double((radiusWord >> 1) | 1) * 0x1.0p-63, theta = 2 * M_PI * double(angleWord >> 32) * 0x1.0p-32;
  const double r = std::sqrt(-2 * std::log(u1));
  return {r * std::cos(theta), r * std::sin(theta)};
}

}  // namespace

class TestBoxMuller : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pairsMatchTheTransformInDoublePrecision() {
    SplitMix64 words(42);
    double worst = 0;
    for (int i = 0; i < 200000; ++i) {
      // Small radius words too (a random number of leading zeros): deep in the tails.
      const uint64_t radius = words.next() >> (i % 64), angle = words.next();
      const auto got = standardNormalPair(radius, angle);
      const auto want = reference(radius, angle);
      for (int k = 0; k < 2; ++k) worst = std::max(worst, std::abs(double(got[size_t(k)]) - want[size_t(k)]));
    }
    QVERIFY2(worst < 4e-6, qPrintable(QString::number(worst)));  // a few float ulps of |z| ≤ 9.35
  }
  void extremesAreKnown() {
    const double deepest = std::sqrt(2 * 63 * std::log(2.0));  // u₁ = 2⁻⁶³
    const auto along = standardNormalPair(0, 0);                // θ = 0
    QVERIFY2(std::abs(along[0] - deepest) < 1e-5 && std::abs(along[1]) < 1e-5,
             qPrintable(QString("%1 %2").arg(along[0]).arg(along[1])));
    const auto up = standardNormalPair(0, uint64_t(1) << 62);  // θ = π/2
    QVERIFY(std::abs(up[0]) < 1e-5 && std::abs(up[1] - deepest) < 1e-5);
    const auto back = standardNormalPair(0, uint64_t(1) << 63);  // θ = π
    QVERIFY(std::abs(back[0] + deepest) < 1e-5 && std::abs(back[1]) < 1e-5);
    const auto centre = standardNormalPair(~uint64_t(0), 12345);  // u₁ = 1: the origin
    QCOMPARE(centre[0], 0.0f);
    QCOMPARE(centre[1], 0.0f);
  }
  void drawsAreStandardNormal() {
    const auto failed = test::notStandardNormal(normals(1 << 23, 5), {1.0, 3.0, 4.5});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
  }
  void scalesAndKeepsTheInput() {
    // (2 + 3·Z)·0.5: mean 1, std 1.5, over an odd length (the last draw of a pair of its own).
    auto z = normals(100001, 9, 3.0f, 0.5f, 2.0f);
    for (double& x : z) x = (x - 1) / 1.5;
    const auto failed = test::notStandardNormal(z, {2.0});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    QVERIFY(normals(3, 9)[2] != 0);
  }
  void streamsRepeatBySeed() {
    QVERIFY(normals(1000, 1) == normals(1000, 1));
    QVERIFY(normals(1000, 1) != normals(1000, 2));
    const auto a = normals(4096, 3);  // blocks and the two halves of a block differ
    QVERIFY(std::vector<double>(a.begin(), a.begin() + 512) != std::vector<double>(a.begin() + 512, a.begin() + 1024));
    QVERIFY(std::vector<double>(a.begin(), a.begin() + 1024) != std::vector<double>(a.begin() + 1024, a.begin() + 2048));
  }
};

QTEST_APPLESS_MAIN(TestBoxMuller)
#include "tst_box_muller.moc"
