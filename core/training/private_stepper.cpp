#include "training/private_stepper.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <utility>

#include "layers/tracked_layers.h"
#include "privacy/adaptive_clipping.h"
#include "privacy/calibration.h"
#include "privacy/dp_vocabulary.h"
#include "privacy/per_example_clipping.h"
#include "util/errors.h"

namespace trustlab {

PrivateStepper::PrivateStepper(TextClassifierImpl& model, const PrivacyConfig& config, long n, long expectedBatch,
                               long steps, uint64_t seed, const torch::Device& device)
    : PrivateStepper(model, [&model](const Batch& b) { return classifierLoss(model, b); }, config, n, expectedBatch,
                     steps, seed, device) {}

PrivateStepper::PrivateStepper(torch::nn::Module& model, BatchLosses losses, const PrivacyConfig& config, long n,
                               long expectedBatch, long steps, uint64_t seed, const torch::Device& device)
    : model_(model),
      losses_(std::move(losses)),
      config_(config),
      datasetSize_(n),
      expectedBatch_(double(expectedBatch)),
      q_(double(expectedBatch) / double(n)),
      device_(device),
      generator_(at::make_generator<at::CPUGeneratorImpl>(seed ^ 0x5eedULL)),
      secure_(config.secure ? std::make_shared<SecureNoise>() : nullptr),
      noise_(secure_ ? GaussianNoise(secure_) : GaussianNoise(seed ^ 0x4015eULL, device)) {
  if (q_ > 1) throw InputError("training.batch_size", "larger than the training set: q = B/N would exceed 1");
  const auto releases = releasesBeforeTraining(config);
  accountantDelta_ = accountantDelta(config);
  sigma_ = config.targetEpsilon > 0 ? calibrateNoise(config.targetEpsilon, accountantDelta_, q_, steps,
                                                     config.accountant, 5e-5, releases).noiseMultiplier
                                    : config.noiseMultiplier;
  accountant_ = makeAccountant(config.accountant);
  for (const auto& r : releases) accountant_->compose(r.noiseMultiplier, r.sampleRate, r.steps);
  clipNorm_ = config.clipNorm;
  sigmaGradient_ = sigma_;
  if (config.adaptiveClipping) {
    if (config.targetQuantile <= 0 || config.targetQuantile >= 1)
      throw InputError("privacy.target_quantile", "must be in (0, 1)");
    sigmaCount_ = config.countNoiseMultiplier > 0 ? config.countNoiseMultiplier : double(expectedBatch) / 20;
    sigmaGradient_ = updateNoiseAfterCount(sigma_, sigmaCount_);
    if (std::isnan(sigmaGradient_))
      throw InputError("privacy.count_noise_multiplier", "too small for σ = " + std::to_string(sigma_) +
                                                              ": the count alone would exceed the budget");
  }
  if (secure_) {
    // Snapping widens the gradient's sensitivity a little (privacy/secure_noise.h): draw a little
    // more noise, so that the accounted σ is the one asked for.
    int64_t coordinates = 0;
    for (const auto& p : trainableParameters(model_)) coordinates += p.numel();
    sigmaGradient_ = noiseMultiplierBeforeSnapping(sigmaGradient_, coordinates);
  }
}

torch::Tensor PrivateStepper::samplePoisson() {
  const auto u = secure_ ? secure_->uniforms(datasetSize_)
                         : torch::rand({datasetSize_}, generator_, torch::TensorOptions(torch::kDouble));
  return (u < q_).nonzero().flatten();
}

PrivateStepResult PrivateStepper::computeGradients(const EncodedSplit& data, const torch::Tensor& indices) {
  ClippingConfig clip;
  clip.mode = config_.clipping;
  clip.clipNorm = clipNorm_;
  auto params = trainableParameters(model_);
  std::vector<torch::Tensor> sums(params.size());
  PrivateStepResult r;
  double unclipped = 0;  // examples whose norm was within C (for adaptive clipping)
  const long n = indices.size(0);
  // Physical batches: the logical (Poisson) batch may be any size; memory is bounded by the chunk.
  // Cut by length (length bucketing), so that a chunk pads to its own longest example, not the
  // batch's: the sum over the logical batch, hence the privacy, is the same in any order.
  const auto order = n > config_.maxPhysicalBatch ? data.lengths.index_select(0, indices).argsort() : torch::Tensor();
  const auto sorted = order.defined() ? indices.index_select(0, order) : indices;
  for (long start = 0; start < n; start += config_.maxPhysicalBatch) {
    const auto chunk = sorted.narrow(0, start, std::min(config_.maxPhysicalBatch, n - start));
    const auto batch = makeBatch(data, chunk, device_);
    const auto loss = losses_(batch);
    const int64_t B = batch.ids.size(0);
    const auto out = config_.mode == kPrivacyNaive ? naiveClippedGradientSum(model_, B, loss, clip)
                                                   : clippedGradientSum(model_, B, loss, clip);
    for (size_t k = 0; k < params.size(); ++k) {
      if (!params[k].grad().defined()) continue;
      // Take the first chunk's gradient over (no copy); the next chunk's gradient is a fresh tensor.
      if (!sums[k].defined()) sums[k] = std::exchange(params[k].mutable_grad(), torch::Tensor());
      else sums[k] += params[k].grad();
    }
    unclipped += (out.perExampleNorms <= clipNorm_).sum().item<double>();
    r.lossSum += out.loss.item<double>();
    r.examples += out.examples;
    r.correct += out.correct;
  }
  // Noise with std σ·C on the sum (automatic clipping also bounds each contribution by C), then
  // normalise by the expected batch size so the step does not reveal the sampled size.
  for (size_t k = 0; k < params.size(); ++k)
    if (!sums[k].defined()) sums[k] = torch::zeros_like(params[k]);  // no example reached it: noise only
  if (tap_) tap_->beforeNoise(sums, clipNorm_, sigmaGradient_ * clipNorm_, q_);
  for (size_t k = 0; k < params.size(); ++k) {
    noise_.addTo(sums[k], sigmaGradient_ * clipNorm_, 1 / expectedBatch_);
    params[k].mutable_grad() = sums[k];
  }
  if (tap_) tap_->afterNoise(sums, expectedBatch_);
  if (config_.adaptiveClipping) {
    // Geometric update towards the target quantile from the privately counted unclipped fraction.
    const double z = secure_ ? secure_->normal() : torch::randn({1}, generator_, torch::kDouble).item<double>();
    const double noisyCount = unclipped + sigmaCount_ * z;
    clipNorm_ = nextClipNorm(clipNorm_, noisyCount, expectedBatch_, config_.targetQuantile, config_.clipLearningRate);
  }
  return r;
}

PrivateStepper::State PrivateStepper::state() const {
  State s{{}, clipNorm_};
  if (config_.secure) return s;
  s.generators = noise_.state();
  s.generators.push_back(generator_.get_state());
  return s;
}

void PrivateStepper::restore(const State& s) {
  clipNorm_ = s.clipNorm;
  if (config_.secure || s.generators.empty()) return;  // secure: fresh OS seeds, never saved ones
  generator_.set_state(s.generators.back());
  noise_.restore({s.generators.begin(), s.generators.end() - 1});
}

double PrivateStepper::epsilonAfter(long steps) {
  accountant_->compose(sigma_, q_, steps - accountedSteps_);
  accountedSteps_ = steps;
  return accountant_->epsilon(accountantDelta_);
}

}  // namespace trustlab
