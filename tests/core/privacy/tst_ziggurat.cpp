// Tests the ziggurat normal sampler: its layer tables close at the peak, and on plain uniform words
// its draws are standard normal (moments, Kolmogorov–Smirnov, the mass on both sides of the tail
// sampler's edge r), the same words giving the same draws.
#include <QtTest>

#include <cmath>
#include <vector>

#include "privacy/ziggurat.h"
#include "util/random.h"
#include "../../support/normality.h"

using namespace trustlab;

namespace {

/// SplitMix64 words: uniform enough for the sampler, and not the ChaCha20 it usually reads.
class CountingWords : public RandomWords {
 public:
  explicit CountingWords(uint64_t seed) : mix_(seed) {}
  void fill(uint64_t* words, int64_t n) override {
    for (int64_t i = 0; i < n; ++i) words[i] = mix_.next();
  }

 private:
  SplitMix64 mix_;
};

std::vector<double> normals(int64_t n, uint64_t seed) {
  std::vector<double> z(static_cast<size_t>(n));
  CountingWords words(seed), spare(~seed);
  standardNormals(z.data(), n, words, spare);
  return z;
}

}  // namespace

class TestZiggurat : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void layersCloseAtThePeak() {
    // The top layer [0, x₁] × [f(x₁), 1] must have the same area v as every other layer.
    const auto s = zigguratShape();
    const double top = s.x1 * (1 - std::exp(-0.5 * s.x1 * s.x1));
    QVERIFY2(std::abs(top / s.v - 1) < 1e-6, qPrintable(QString::number(top / s.v - 1)));
    // The base layer: rectangle r·f(r) plus the tail ∫_r^∞ f = √(π/2)·erfc(r/√2).
    const double base = s.r * std::exp(-0.5 * s.r * s.r) + std::sqrt(M_PI / 2) * std::erfc(s.r / std::sqrt(2.0));
    QVERIFY2(std::abs(base / s.v - 1) < 1e-9, qPrintable(QString::number(base / s.v - 1)));
  }
  void drawsAreStandardNormal() {
    const auto failed = test::notStandardNormal(normals(1 << 23, 5), {1.0, zigguratShape().r, 4.5});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
  }
  void sameWordsSameDraws() {
    QVERIFY(normals(1000, 1) == normals(1000, 1));
    QVERIFY(normals(1000, 1) != normals(1000, 2));
  }
};

QTEST_APPLESS_MAIN(TestZiggurat)
#include "tst_ziggurat.moc"
