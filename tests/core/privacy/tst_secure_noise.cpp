// Tests core/privacy secure mode: the ChaCha20 stream against RFC 8439's block test vector; the
// double-precision ziggurat on it against the standard normal (moments, Kolmogorov–Smirnov, tails
// on both sides of the tail sampler's edge); independence of draws across chunks, calls and keys,
// and the same draws for any thread count under one key; the snapping (every output on the grid
// Λ·ℤ whatever the input's offset, so floating-point holes cannot tell inputs apart); the noise
// widening that keeps the accounted σ; and a private step in secure mode.
#include <QtTest>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "privacy/chacha20.h"
#include "privacy/secure_noise.h"
#include "privacy/ziggurat.h"
#include "training/private_stepper.h"
#include "models/model_factory.h"
#include "util/errors.h"
#include "../../support/normality.h"

using namespace trustlab;

namespace {

ChaChaKey countingKey() {
  ChaChaKey k;
  for (int i = 0; i < 32; ++i) k.bytes[size_t(i)] = uint8_t(i);
  return k;
}

std::vector<double> normals(SecureNoise& noise, int64_t n) {
  auto t = torch::zeros({n}, torch::kDouble);
  noise.addTo(t, 1.0, 1.0);
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + n);
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
  return ab / std::sqrt(aa * bb);
}

}  // namespace

class TestSecureNoise : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void chacha20MatchesRfc8439() {
    // RFC 8439 §2.3.2: key 00..1f, nonce 00000009 0000004a 00000000, block counter 1.
    ChaCha20Words words(countingKey(), 0x4a00000009000000ULL, 0);
    uint8_t stream[128];
    words.bytes(stream, 128);  // blocks 0 and 1: the RFC's block is the second
    const uint8_t expected[16] = {0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15,
                                  0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4};
    const uint8_t expectedEnd[4] = {0xa2, 0x50, 0x3c, 0x4e};
    QVERIFY(std::equal(expected, expected + 16, stream + 64));
    QVERIFY(std::equal(expectedEnd, expectedEnd + 4, stream + 124));
  }
  void normalsHaveTheNormalsMomentsCdfAndTails() {
    SecureNoise noise(countingKey());
    // Inside, at the tail sampler's edge r, beyond.
    const auto failed = test::notStandardNormal(normals(noise, 1 << 22), {1.0, 2.0, zigguratShape().r, 4.5});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
  }
  void drawsAreIndependentAcrossChunksCallsAndKeys() {
    SecureNoise noise(countingKey());
    const int64_t chunk = 1 << 14, n = 8 * chunk;
    const auto a = normals(noise, n), b = normals(noise, n);
    // Neighbouring chunks of one draw (separate ChaCha20 substreams), and two calls (streams).
    const std::vector<double> first(a.begin(), a.begin() + chunk), second(a.begin() + chunk, a.begin() + 2 * chunk);
    QVERIFY(std::abs(correlation(first, second)) < 5 / std::sqrt(double(chunk)));
    QVERIFY(std::abs(correlation(a, b)) < 5 / std::sqrt(double(n)));
    SecureNoise other;  // a key from the kernel
    QVERIFY(std::abs(correlation(a, normals(other, n))) < 5 / std::sqrt(double(n)));
    QVERIFY(normals(other, 16) != normals(other, 16));
  }
  void sameKeySameDrawsForAnyThreadCount() {
    const int threads = at::get_num_threads();
    std::vector<std::vector<double>> runs;
    for (int t : {1, 2, 4}) {
      at::set_num_threads(t);
      SecureNoise noise(countingKey());
      runs.push_back(normals(noise, 5 * (1 << 14) + 17));
    }
    at::set_num_threads(threads);
    QVERIFY(runs[0] == runs[1] && runs[1] == runs[2]);
  }
  void outputsLieOnTheGridWhateverTheInput() {
    // Mironov's attack reads which floats a noisy output can be; snapped outputs are Λ·ℤ (here
    // times a power-of-two scale) for an input on the grid and one a third of a step off it.
    const double stddev = 0.75, unit = SecureNoise::grid(stddev), scale = 0.25;
    QVERIFY(unit > stddev * 0x1.0p-31 && unit <= stddev * 0x1.0p-30);
    QCOMPARE(std::log2(unit), std::round(std::log2(unit)));
    for (const double offset : {0.0, unit / 3, 1e-3}) {
      SecureNoise noise(countingKey());
      auto g = torch::full({20000}, 0.5 + offset, torch::kFloat);
      noise.addTo(g, stddev, scale);
      auto d = g.to(torch::kDouble);
      // Float keeps 24 bits: outputs are on the float rounding of the grid; check in units of Λ·scale
      // on a double copy (the float cast is the last rounding, post-processing).
      auto gd = torch::full({20000}, 0.5 + offset, torch::kDouble);
      SecureNoise same(countingKey());
      same.addTo(gd, stddev, scale);
      const auto units = gd / (unit * scale);
      QVERIFY(torch::equal(units, units.round()));
      QVERIFY(torch::allclose(d, gd.to(torch::kFloat).to(torch::kDouble)));
      const double sd = ((gd / scale) - 0.5).std().item<double>();
      QVERIFY2(std::abs(sd - stddev) < 5 * stddev / std::sqrt(2 * 20000.0), qPrintable(QString::number(sd)));
    }
  }
  void sumsBeyondTheExactRangeAreCapped() {
    // Beyond 2⁵¹ grid units the integer sum would not be exact: capped there, sign kept, never ∞.
    const double stddev = 1, cap = 0x1.0p51 * SecureNoise::grid(stddev);
    SecureNoise noise(countingKey());
    auto g = torch::tensor({1e300, -1e300, cap / 2}, torch::kDouble);
    noise.addTo(g, stddev, 1);
    QVERIFY(std::abs(g[0].item<double>() - cap) < 10 * stddev);
    QVERIFY(std::abs(g[1].item<double>() + cap) < 10 * stddev);
    QVERIFY(std::abs(g[2].item<double>() - cap / 2) < 10 * stddev);
  }
  void noiseIsWidenedSoTheAccountedSigmaHolds() {
    // Drawn s, accounted σ: s/(1 + s·√d·2⁻³⁰) = σ.
    const double sigma = 1.1, s = noiseMultiplierBeforeSnapping(sigma, 1'000'000);
    QVERIFY(s > sigma && s < sigma * (1 + 2e-6));
    QVERIFY(std::abs(s / (1 + s * 1000 * 0x1.0p-30) - sigma) < 1e-12);
    QVERIFY_THROWS_EXCEPTION(InputError, noiseMultiplierBeforeSnapping(1e6, 1'000'000'000'000LL));
  }
  void aSecureStepIsNotReproducibleAndAccountsTheGivenSigma() {
    torch::manual_seed(0);
    ModelConfig mc;
    mc.type = "bag";
    mc.embeddingDim = 8;
    auto model = makeClassifier(mc, 50, 3, 8);
    PrivacyConfig pc;
    pc.mode = "edp";
    pc.noiseMultiplier = 1.3;
    pc.secure = true;
    PrivateStepper a(*model, pc, 1000, 50, 10, 7, torch::kCPU), b(*model, pc, 1000, 50, 10, 7, torch::kCPU);
    QCOMPARE(a.noiseMultiplier(), 1.3);
    QVERIFY(a.gradientNoiseMultiplier() > 1.3 && a.gradientNoiseMultiplier() < 1.3 * (1 + 1e-5));
    QVERIFY(!torch::equal(a.samplePoisson(), b.samplePoisson()));  // same seed, yet secret draws
    const double expected = 50;  // Poisson sampling at q = 0.05 of 1000
    long total = 0;
    for (int i = 0; i < 200; ++i) total += a.samplePoisson().size(0);
    QVERIFY(std::abs(double(total) / 200 - expected) < 5 * std::sqrt(expected * 0.95 / 200));
  }
};

QTEST_GUILESS_MAIN(TestSecureNoise)
#include "tst_secure_noise.moc"
