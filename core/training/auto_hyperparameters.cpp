#include "training/auto_hyperparameters.h"

#include <algorithm>
#include <cmath>

#include "privacy/calibration.h"
#include "privacy/dp_vocabulary.h"
#include "training/optimizers.h"
#include "util/text.h"

namespace trustlab {
namespace {

/// The expected batch a budget-driven run takes: N/25 (q ≈ 4 %).
constexpr double kExamplesPerBatch = 25;
constexpr long kMinAutoBatch = 64, kMaxAutoBatch = 4096;
/// The noise multiplier the auto epochs aim at: above σ ≈ 1 the subsampled Gaussian's ε grows
/// about as q·√T/σ (Abadi et al. 2016), so more steps cost little more noise; below it ε grows fast.
constexpr double kAutoNoiseMultiplier = 1.5;
constexpr int kMaxAutoEpochs = 30;

/// The power of two nearest N/25 within 64..4096, at most half the training set.
long autoBatch(long n) {
  const double want = std::clamp(double(n) / kExamplesPerBatch, double(kMinAutoBatch), double(kMaxAutoBatch));
  const long pow2 = 1L << long(std::lround(std::log2(want)));
  return std::max(1L, std::min(pow2, n / 2));
}

/// σ that `epochs` epochs of this run need for its target ε (its accountant, its releases).
double sigmaForEpochs(const TrainConfig& t, double q, int epochs) {
  const auto& p = t.privacy;
  return calibrateNoise(p.targetEpsilon, accountantDelta(p), q, stepsForEpochs(epochs, q), p.accountant, 1e-3,
                        releasesBeforeTraining(p))
      .noiseMultiplier;
}

/// The most epochs (1..30) whose calibrated σ stays ≤ 1.5; σ grows with the epochs, so bisect.
int autoEpochs(const TrainConfig& t, double q) {
  if (sigmaForEpochs(t, q, kMaxAutoEpochs) <= kAutoNoiseMultiplier) return kMaxAutoEpochs;
  int lo = 1, hi = kMaxAutoEpochs;  // the answer is in [lo, hi)
  if (sigmaForEpochs(t, q, lo) > kAutoNoiseMultiplier) return 1;
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    (sigmaForEpochs(t, q, mid) <= kAutoNoiseMultiplier ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

std::vector<ChosenHyperparameter> chooseHyperparameters(TrainConfig& t, long n, bool centralBudget) {
  std::vector<ChosenHyperparameter> chosen;
  const bool budget = centralBudget && t.privacy.enabled() && t.privacy.targetEpsilon > 0 && n > 1;
  if (t.batchSize == 0) {
    t.batchSize = budget ? autoBatch(n) : kDefaultBatchSize;
    chosen.push_back({"batch_size", std::to_string(t.batchSize),
                      budget ? "the power of two nearest N/25 = " + std::to_string(n) +
                                   "/25 (64..4096): the noise on the mean gradient falls as σC/B"
                             : "the default"});
  }
  if (t.epochs == 0 && t.maxSteps == 0) {
    const double q = std::min(1.0, double(t.batchSize) / double(std::max(1L, n)));
    t.epochs = budget ? autoEpochs(t, q) : kDefaultEpochs;
    chosen.push_back({"epochs", std::to_string(t.epochs),
                      budget ? "the most (≤ " + std::to_string(kMaxAutoEpochs) + ") that ε = " +
                                   formatNumber(t.privacy.targetEpsilon) + " allows at σ ≤ " +
                                   formatNumber(kAutoNoiseMultiplier) + " (" + t.privacy.accountant + ")"
                             : "the default"});
  }
  if (t.lr == 0) {
    const double exponent = optimizerRegistry().at(t.optimizer).lrScalingExponent;
    const double scale = budget ? std::pow(double(t.batchSize) / double(kDefaultBatchSize), exponent) : 1.0;
    t.lr = kDefaultLr * scale;
    chosen.push_back({"lr", formatNumber(t.lr),
                      budget ? formatNumber(kDefaultLr) + " at batch 64, × (B/64)^" + formatNumber(exponent) +
                                   " for " + t.optimizer
                             : "the default"});
  }
  return chosen;
}

std::string describeChoices(const std::vector<ChosenHyperparameter>& choices) {
  std::string out;
  for (const auto& c : choices) out += (out.empty() ? "" : "; ") + c.field + " " + c.value + " (" + c.why + ")";
  return out;
}

}  // namespace trustlab
