// Tests the ziggurat normal sampler against the standard normal itself: the layer tables close at the
// peak, the empirical CDF matches Φ (Kolmogorov–Smirnov), and the mass beyond the base layer's edge
// r and far in the tail is right (the tail has its own sampler, easy to get wrong).
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

#include "privacy/ziggurat.h"

using namespace trustlab;

namespace {

std::vector<float> normals(int64_t n, uint64_t seed) {
  std::vector<float> z(size_t(n), 0.0f);
  addScaledGaussian(z.data(), n, seed, 1.0f, 1.0f);
  return z;
}

double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

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
  void matchesTheNormalCdf() {
    auto z = normals(1 << 20, 11);
    std::sort(z.begin(), z.end());
    const double n = double(z.size());
    double d = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      const double p = phi(z[i]);
      d = std::max({d, std::abs(p - double(i) / n), std::abs(double(i + 1) / n - p)});
    }
    // KS critical value at α = 0.001 is 1.95/√n; a sampler off by a layer's sliver fails it.
    QVERIFY2(d < 1.95 / std::sqrt(n), qPrintable(QString::number(d * std::sqrt(n))));
  }
  void tailsHaveTheirMass() {
    const int64_t n = 1 << 23;
    const auto z = normals(n, 5);
    const auto s = zigguratShape();
    auto fraction = [&](double t) {
      return double(std::count_if(z.begin(), z.end(), [t](float x) { return std::abs(x) > t; })) / double(n);
    };
    auto expected = [](double t) { return std::erfc(t / std::sqrt(2.0)); };
    for (const double t : {1.0, s.r, 4.5}) {  // inside, at the base edge, deep in the tail sampler
      const double p = expected(t), sd = std::sqrt(p * (1 - p) / double(n));
      QVERIFY2(std::abs(fraction(t) - p) < 5 * sd, qPrintable(QString("beyond %1: %2 vs %3").arg(t).arg(fraction(t)).arg(p)));
    }
    // Both signs in the tail, and a symmetric bulk.
    QVERIFY(*std::min_element(z.begin(), z.end()) < -s.r && *std::max_element(z.begin(), z.end()) > s.r);
    const double negative = double(std::count_if(z.begin(), z.end(), [](float x) { return x < 0; })) / double(n);
    QVERIFY(std::abs(negative - 0.5) < 5 * 0.5 / std::sqrt(double(n)));
  }
  void streamsDifferBySeedAndRepeatByState() {
    QVERIFY(normals(1000, 1) == normals(1000, 1));
    QVERIFY(normals(1000, 1) != normals(1000, 2));
  }
};

QTEST_APPLESS_MAIN(TestZiggurat)
#include "tst_ziggurat.moc"
