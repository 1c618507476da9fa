#include "training/trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <utility>

#include "privacy/calibration.h"
#include "training/auto_hyperparameters.h"
#include "training/lr_schedule.h"
#include "training/optimizers.h"
#include "training/private_stepper.h"
#include "training/training_state.h"
#include "util/errors.h"
#include "util/runtime.h"

namespace trustlab {
namespace {

/// Copies of every parameter and buffer, to restore the best-validation model.
std::vector<torch::Tensor> snapshot(torch::nn::Module& m) {
  std::vector<torch::Tensor> s;
  for (const auto& p : m.parameters()) s.push_back(p.detach().clone());
  for (const auto& b : m.buffers()) s.push_back(b.detach().clone());
  return s;
}

void restore(torch::nn::Module& m, const std::vector<torch::Tensor>& s) {
  torch::NoGradGuard g;
  size_t i = 0;
  for (auto& p : m.parameters()) p.copy_(s[i++]);
  for (auto& b : m.buffers()) b.copy_(s[i++]);
}

}  // namespace

Trainer::Trainer(TextClassifierPtr model, TrainConfig config, long long runId)
    : model_(std::move(model)), config_(std::move(config)), events_(runId, config_.device) {}

void Trainer::checkpointTo(std::string path, long every, std::function<void()> beforeSave) {
  checkpointPath_ = std::move(path);
  checkpointEvery_ = every;
  beforeSave_ = std::move(beforeSave);
}

void Trainer::resumeFrom(std::string path) { resumePath_ = std::move(path); }

TrainResult Trainer::fit(const EncodedSplit& train, const EncodedSplit& valid, const std::atomic<bool>* stop) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const torch::Device& device = events_.device();
  const long n = train.size();
  if (n == 0) throw InputError("dataset", "training split is empty");
  // A spec run has chosen already (and recorded it); direct users of the trainer choose here.
  if (const auto chosen = chooseHyperparameters(config_, n); !chosen.empty())
    events_.message("chose " + describeChoices(chosen));
  torch::manual_seed(config_.seed);
  model_->to(device);
  model_->train();
  auto optimizer = makeOptimizer(*model_, config_);

  TrainResult result;
  // The step plan. Private runs draw Poisson batches of expected size B, so an epoch is ≈ 1/q
  // steps and epochs convert to ⌊epochs / q⌋ steps, the convention the accountant uses.
  const bool isPrivate = config_.privacy.enabled();
  const bool poisson = isPrivate && config_.privacy.sampling == kSamplingPoisson;
  const double q = double(config_.batchSize) / double(n);
  const long shuffledBatches = (n + config_.batchSize - 1) / config_.batchSize;
  const long stepsPerEpoch = isPrivate ? std::max(1L, long(std::llround(1.0 / q))) : shuffledBatches;
  const long totalSteps = config_.maxSteps > 0 ? config_.maxSteps
                          : isPrivate          ? stepsForEpochs(config_.epochs, std::min(q, 1.0))
                                               : stepsPerEpoch * config_.epochs;
  const int totalEpochs = int((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
  // A pass over the data: ≈ 1/q Poisson draws, or one shuffled order of all the batches.
  const long batchesPerPass = poisson ? stepsPerEpoch : shuffledBatches;
  // What progress reports: passes over the data. Poisson chunks of round(1/q) steps can leave a
  // short last chunk, so a private run counts expected passes (step · q) against the epochs asked.
  const auto shownEpoch = [&](long step) {
    return isPrivate ? std::max(1, int(std::ceil(double(step) * std::min(q, 1.0) - 1e-9)))
                     : int((step + stepsPerEpoch - 1) / stepsPerEpoch);
  };
  const int shownEpochs = !isPrivate ? totalEpochs
                          : config_.maxSteps > 0 ? std::max(1, int(std::ceil(double(totalSteps) * std::min(q, 1.0) - 1e-9)))
                                                 : config_.epochs;

  // Private training: Poisson-sampled logical batches (expected size B), clipped and noised.
  std::unique_ptr<PrivateStepper> dp;
  if (isPrivate) {
    dp = std::make_unique<PrivateStepper>(*model_, config_.privacy, n, config_.batchSize, totalSteps, config_.seed, device);
    dp->setNoiseTap(noiseTap_);
    events_.message("eDP-SGD (" + config_.privacy.mode + "): σ = " + std::to_string(dp->noiseMultiplier()) +
                    ", q = " + std::to_string(dp->sampleRate()) + ", " + std::to_string(totalSteps) + " steps, " +
                    (config_.privacy.secure ? "secure mode" : "NOT secure mode (seeded noise)"));
  }

  // Everything the rest of the run depends on, saved to resume from and restored when resuming.
  TrainingState state;
  if (!resumePath_.empty()) {
    state = loadTrainingState(std::exchange(resumePath_, {}), *model_, *optimizer, device);
    restoreDefaultGenerators(device, state.generators);
    if (dp) dp->restore(state.privacy);
    result.bestValid = state.bestValid;
    result.bestStep = state.bestStep;
    events_.message("resumed at step " + std::to_string(state.step) + " of " + std::to_string(totalSteps));
  }
  auto runningLoss = torch::full({}, state.runningLoss, torch::TensorOptions().dtype(torch::kDouble).device(device));
  auto runningCorrect = torch::full({}, state.runningCorrect, torch::TensorOptions().dtype(torch::kLong).device(device));
  long runningCount = state.runningCount;
  long step = state.step;
  const long firstStep = step;
  auto saveState = [&] {
    if (checkpointPath_.empty()) return;
    if (beforeSave_) beforeSave_();
    state.step = step;
    state.runningLoss = runningLoss.item<double>();
    state.runningCorrect = runningCorrect.item<int64_t>();
    state.runningCount = runningCount;
    state.bestValid = result.bestValid;
    state.bestStep = result.bestStep;
    state.generators = defaultGeneratorStates(device);
    if (dp) state.privacy = dp->state();
    saveTrainingState(checkpointPath_, state, *model_, *optimizer);
  };

  auto runEvaluation = [&](long at) {
    if (valid.size() == 0) return;
    const auto r = evaluate(*model_, valid, std::max<long>(config_.batchSize, 256), device);
    emitMetric("valid/loss", at, r.loss);
    emitMetric("valid/accuracy", at, r.accuracy);
    emitMetric("valid/macro_f1", at, r.macroF1);
    if (r.accuracy > state.bestAccuracy) {
      state.bestAccuracy = r.accuracy;
      result.bestValid = r;
      result.bestStep = at;
      state.best = snapshot(*model_);
      state.evalsWithoutGain = 0;
    } else if (config_.earlyStoppingPatience > 0 && ++state.evalsWithoutGain >= config_.earlyStoppingPatience) {
      result.stoppedEarly = true;
    }
  };

  // The batch of a step: a fresh Poisson draw, or its place in its pass's seeded shuffled order.
  std::vector<torch::Tensor> order;
  long orderPass = -1;
  auto batchOf = [&](long at) {
    if (poisson) return dp->samplePoisson();
    const long pass = at / batchesPerPass;
    if (pass != orderPass) {
      const uint64_t seed = config_.seed * 1000003ULL + uint64_t(pass);
      order = config_.lengthBucketing ? lengthBucketedBatches(train.lengths, config_.batchSize, seed)
                                      : epochBatches(n, config_.batchSize, true, seed);
      orderPass = pass;
    }
    return order[size_t(at % batchesPerPass)];
  };

  while (step < totalSteps && !result.stoppedEarly) {
    if (stop && stop->load()) {
      result.cancelled = true;
      break;
    }
    const auto idx = batchOf(step);
    const double lr = config_.lr * learningRateFactor(config_.schedule, step, config_.warmupSteps, totalSteps);
    for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);
    optimizer->zero_grad();
    if (dp) {
      const auto r = dp->computeGradients(train, idx);
      runningLoss += r.lossSum;
      runningCorrect += r.correct;
      runningCount += r.examples;
    } else {
      const auto b = makeBatch(train, idx, device);
      const auto logits = model_->forward(b.ids, b.lengths);
      const auto loss = torch::nn::functional::cross_entropy(logits, b.labels);
      loss.backward();
      if (config_.gradClipNorm > 0) torch::nn::utils::clip_grad_norm_(model_->parameters(), config_.gradClipNorm);
      runningLoss += loss.detach().to(torch::kDouble) * double(idx.size(0));
      runningCorrect += (logits.argmax(1) == b.labels).sum();
      runningCount += idx.size(0);
    }
    optimizer->step();
    ++step;
    if (step % std::max<long>(config_.logEvery, 1) == 0 || step == totalSteps) {
      const double meanLoss = runningLoss.item<double>() / double(std::max(runningCount, 1L));
      if (!std::isfinite(meanLoss))
        throw std::runtime_error(std::string("training diverged: loss is ") + (std::isnan(meanLoss) ? "NaN" : "infinite") + " at step " +
                                 std::to_string(step) + " (lower training.lr or set training.grad_clip)");
      emitMetric("train/loss", step, meanLoss);
      emitMetric("train/accuracy", step, double(runningCorrect.item<int64_t>()) / double(std::max(runningCount, 1L)));
      emitMetric("lr", step, lr);
      if (dp) {
        const double eps = dp->epsilonAfter(step);
        emitMetric("privacy/epsilon", step, eps);
        if (config_.privacy.adaptiveClipping) emitMetric("privacy/clip_norm", step, dp->clipNorm());
        const PrivacyEvent e{step, dp->noiseMultiplier(), dp->sampleRate(), eps, config_.privacy.delta,
                             config_.privacy.accountant};
        events_.privacy(e);
      }
      runningLoss.zero_();
      runningCorrect.zero_();
      runningCount = 0;
      ProgressEvent p{step, totalSteps, std::min(shownEpoch(step), shownEpochs), shownEpochs, elapsed(),
                      elapsed() / double(step - firstStep) * double(totalSteps - step)};
      events_.progress(p);
    }
    if (config_.evalEvery > 0 && step % config_.evalEvery == 0) runEvaluation(step);
    if (config_.evalEvery <= 0 && (step % batchesPerPass == 0 || step == totalSteps)) runEvaluation(step);
    if (checkpointEvery_ > 0 && step % checkpointEvery_ == 0 && step < totalSteps && !result.stoppedEarly) saveState();
  }
  if (result.cancelled) saveState();
  result.epochsCompleted = int(result.cancelled ? step / batchesPerPass : (step + batchesPerPass - 1) / batchesPerPass);
  result.noiseMultiplier = dp ? dp->noiseMultiplier() : 0;
  if (config_.restoreBest && !state.best.empty()) restore(*model_, state.best);
  model_->eval();
  result.steps = step;
  result.seconds = elapsed();
  return result;
}

}  // namespace trustlab
