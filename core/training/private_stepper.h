// core/training: one DP-SGD step of eDP-SGD (or the naive reference): Poisson sampling with
// variable batch size, per-example clipping over physical chunks, Gaussian noise σ·C from a
// seeded generator (or, in secure mode, ChaCha20 under a kernel key, snapped against
// floating-point attacks), normalised by the expected batch size, and the running privacy account.
#pragma once
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <functional>
#include <memory>
#include <vector>

#include "data/batching.h"
#include "models/text_classifier.h"
#include "privacy/accountant.h"
#include "privacy/dp_config.h"
#include "privacy/gaussian_noise.h"
#include "privacy/per_example_clipping.h"

namespace trustlab {

/// Sees each private step's clipped sum just before its noise and again just after, in place: the
/// white-box audit's view of the steps (attacks/gradient_canaries.h), which may also add to the sum
/// what an inserted example would. Not used in ordinary training.
class NoiseTap {
 public:
  virtual ~NoiseTap() = default;
  /// sums: Σ_i clip(g_i) per trainable parameter; the noise about to be added has std noiseStd;
  /// each example joined this step's batch with probability sampleRate.
  virtual void beforeNoise(std::vector<torch::Tensor>& sums, double clipNorm, double noiseStd, double sampleRate) = 0;
  /// The same tensors now hold (sum + noise) / expectedBatch.
  virtual void afterNoise(const std::vector<torch::Tensor>& noised, double expectedBatch) = 0;
};

struct PrivateStepResult {
  double lossSum = 0;
  long examples = 0, correct = 0;
};

class PrivateStepper {
 public:
  /// Each example's loss on a batch (training/objective.h: Objective::losses).
  using BatchLosses = std::function<ExampleLossFn(const Batch&)>;
  /// `steps` is the planned number of steps (for σ calibration from a target ε).
  PrivateStepper(torch::nn::Module& model, BatchLosses losses, const PrivacyConfig& config, long datasetSize,
                 long expectedBatch, long steps, uint64_t seed, const torch::Device& device);
  /// A classifier on its cross-entropy.
  PrivateStepper(TextClassifierImpl& model, const PrivacyConfig& config, long datasetSize, long expectedBatch,
                 long steps, uint64_t seed, const torch::Device& device);

  double noiseMultiplier() const { return sigma_; }
  double clipNorm() const { return clipNorm_; }  ///< current C (moves with adaptive clipping)
  /// σ of the gradient noise: σ itself, or more when adaptive clipping spends part of the budget
  /// (and, in secure mode, a few parts per million more for the snapping).
  double gradientNoiseMultiplier() const { return sigmaGradient_; }
  double sampleRate() const { return q_; }

  /// Indices of one Poisson-sampled logical batch (each example independently with rate q).
  torch::Tensor samplePoisson();
  /// Sets each parameter's .grad to (Σ_i clip(g_i) + N(0, σ²C²)) / expected batch size.
  PrivateStepResult computeGradients(const EncodedSplit& data, const torch::Tensor& indices);
  /// Shows every later step to `tap` (not owned; nullptr: none).
  void setNoiseTap(NoiseTap* tap) { tap_ = tap; }
  /// ε after `steps` steps (≥ those asked before) by the run's accountant, with what was released
  /// before training (a DP vocabulary: privacy/dp_vocabulary.h) composed in.
  double epsilonAfter(long steps);

  /// What a resumed run needs to continue exactly: the sampler's and the noise's generator
  /// states and the current C. In secure mode the generators are not saved (their OS seeds stay
  /// secret): a resumed secure run draws from fresh OS seeds.
  struct State {
    std::vector<torch::Tensor> generators;
    double clipNorm = 0;
  };
  State state() const;
  void restore(const State& state);

 private:
  torch::nn::Module& model_;
  BatchLosses losses_;
  PrivacyConfig config_;
  long datasetSize_;
  double expectedBatch_;
  double q_, sigma_, sigmaGradient_, sigmaCount_ = 0, clipNorm_;
  torch::Device device_;
  at::Generator generator_;  // Poisson sampling and the adaptive-clipping count (CPU), when not secure
  std::shared_ptr<SecureNoise> secure_;  // secure mode: sampling, count and noise (ChaCha20)
  GaussianNoise noise_;
  std::unique_ptr<Accountant> accountant_;
  long accountedSteps_ = 0;  // training steps composed so far (the accountant also holds the releases')
  double accountantDelta_;   // δ less what the releases' thresholds took
  NoiseTap* tap_ = nullptr;
};

}  // namespace trustlab
