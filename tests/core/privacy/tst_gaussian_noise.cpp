// Tests the private step's Gaussian noise: mean, std and normality, the scale applied in the same
// pass, independence between calls, and identical noise for any thread count (reproducibility).
#include <QtTest>

#include <torch/torch.h>

#include <cmath>

#include "privacy/gaussian_noise.h"

using namespace trustlab;

class TestGaussianNoise : public QObject {
  Q_OBJECT

  static torch::Tensor draw(uint64_t seed, int threads, double stddev, double scale, long n = 300000) {
    const int before = torch::get_num_threads();
    torch::set_num_threads(threads);
    GaussianNoise noise(seed, torch::kCPU);
    auto g = torch::full({n}, 2.0);
    noise.addTo(g, stddev, scale);
    torch::set_num_threads(before);
    return g;
  }

 private Q_SLOTS:
  void meanStdAndTails() {
    const auto g = draw(1, 2, 3.0, 0.5);  // (2 + N(0, 9)) · 0.5 → mean 1, std 1.5
    const long n = g.numel();
    const double mean = g.mean().item<double>(), sd = g.std().item<double>();
    QVERIFY2(std::abs(mean - 1.0) < 5 * 1.5 / std::sqrt(double(n)), qPrintable(QString::number(mean)));
    QVERIFY2(std::abs(sd / 1.5 - 1) < 5 / std::sqrt(2.0 * n), qPrintable(QString::number(sd)));
    // Tail mass beyond 2σ is 4.55 % for a Gaussian (a uniform or a bad mixture is far off).
    const double tail = ((g - 1).abs() > 3.0).to(torch::kDouble).mean().item<double>();
    QVERIFY2(std::abs(tail - 0.0455) < 0.002, qPrintable(QString::number(tail)));
  }
  void sameForAnyThreadCountAndSeeded() {
    QVERIFY(torch::equal(draw(7, 1, 1.0, 1.0), draw(7, 2, 1.0, 1.0)));
    QVERIFY(!torch::equal(draw(7, 2, 1.0, 1.0), draw(8, 2, 1.0, 1.0)));
  }
  void successiveCallsAreIndependent() {
    GaussianNoise noise(3, torch::kCPU);
    auto a = torch::zeros({100000}), b = torch::zeros({100000});
    noise.addTo(a, 1, 1);
    noise.addTo(b, 1, 1);
    const double corr = (a * b).mean().item<double>();
    QVERIFY2(std::abs(corr) < 5 / std::sqrt(100000.0), qPrintable(QString::number(corr)));
    // Chunks inside one call are independent too (no repeated stream).
    QVERIFY(!torch::equal(a.narrow(0, 0, 1000), a.narrow(0, 65536, 1000)));
  }
};

QTEST_APPLESS_MAIN(TestGaussianNoise)
#include "tst_gaussian_noise.moc"
