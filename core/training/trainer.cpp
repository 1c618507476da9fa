#include "training/trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "training/lr_schedule.h"
#include "util/errors.h"
#include "util/runtime.h"

namespace trustlab {
namespace {

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

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

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(torch::nn::Module& model, const TrainConfig& c) {
  const auto params = model.parameters();
  if (c.optimizer == "sgd")
    return std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(c.lr).momentum(c.momentum).weight_decay(c.weightDecay));
  if (c.optimizer == "adam")
    return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(c.lr).weight_decay(c.weightDecay));
  if (c.optimizer == "adamw")
    return std::make_unique<torch::optim::AdamW>(params, torch::optim::AdamWOptions(c.lr).weight_decay(c.weightDecay));
  throw InputError("training.optimizer", "unknown optimizer '" + c.optimizer + "' (sgd, adam, adamw)");
}

Trainer::Trainer(TextClassifierPtr model, TrainConfig config, long long runId)
    : model_(std::move(model)), config_(std::move(config)), runId_(runId),
      device_(parseDevice(config_.device)) {}

void Trainer::emitMetric(const std::string& key, long step, double value) {
  const MetricEvent e{runId_, key, step, value, nowSeconds()};
  for (auto* o : observers_) o->onMetric(e);
}

TrainResult Trainer::fit(const EncodedSplit& train, const EncodedSplit& valid, const std::atomic<bool>* stop) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  torch::manual_seed(config_.seed);
  model_->to(device_);
  model_->train();
  auto optimizer = makeOptimizer(*model_, config_);

  TrainResult result;
  const long n = train.size();
  if (n == 0) throw InputError("dataset", "training split is empty");
  const long perEpoch = (n + config_.batchSize - 1) / config_.batchSize;
  const long total = config_.maxSteps > 0 ? config_.maxSteps : perEpoch * config_.epochs;
  const int epochs = int((total + perEpoch - 1) / perEpoch);

  std::vector<torch::Tensor> best;
  double bestAccuracy = -1;
  int evalsWithoutGain = 0;
  auto runEvaluation = [&](long step) {
    if (valid.size() == 0) return;
    const auto r = evaluate(*model_, valid, std::max<long>(config_.batchSize, 256), device_);
    emitMetric("valid/loss", step, r.loss);
    emitMetric("valid/accuracy", step, r.accuracy);
    emitMetric("valid/macro_f1", step, r.macroF1);
    if (r.accuracy > bestAccuracy) {
      bestAccuracy = r.accuracy;
      result.bestValid = r;
      result.bestStep = step;
      best = snapshot(*model_);
      evalsWithoutGain = 0;
    } else if (config_.earlyStoppingPatience > 0 && ++evalsWithoutGain >= config_.earlyStoppingPatience) {
      result.stoppedEarly = true;
    }
  };

  auto runningLoss = torch::zeros({}, torch::TensorOptions().dtype(torch::kDouble).device(device_));
  auto runningCorrect = torch::zeros({}, torch::TensorOptions().dtype(torch::kLong).device(device_));
  long runningCount = 0;
  long step = 0;
  for (int epoch = 0; epoch < epochs && step < total && !result.stoppedEarly; ++epoch) {
    for (const auto& idx : epochBatches(n, config_.batchSize, true, config_.seed * 1000003ULL + uint64_t(epoch))) {
      if (stop && stop->load()) { result.cancelled = true; break; }
      const double lr = config_.lr * learningRateFactor(config_.schedule, step, config_.warmupSteps, total);
      for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);
      const auto b = makeBatch(train, idx, device_);
      optimizer->zero_grad();
      const auto logits = model_->forward(b.ids, b.lengths);
      const auto loss = torch::nn::functional::cross_entropy(logits, b.labels);
      loss.backward();
      if (config_.gradClipNorm > 0) torch::nn::utils::clip_grad_norm_(model_->parameters(), config_.gradClipNorm);
      optimizer->step();
      ++step;
      runningLoss += loss.detach().to(torch::kDouble) * double(idx.size(0));
      runningCorrect += (logits.argmax(1) == b.labels).sum();
      runningCount += idx.size(0);
      if (step % std::max<long>(config_.logEvery, 1) == 0 || step == total) {
        const double meanLoss = runningLoss.item<double>() / double(runningCount);
        if (!std::isfinite(meanLoss))
          throw std::runtime_error("training diverged: loss is " + std::to_string(meanLoss) + " at step " +
                                   std::to_string(step) + " (lower training.lr or set training.grad_clip)");
        emitMetric("train/loss", step, meanLoss);
        emitMetric("train/accuracy", step, double(runningCorrect.item<int64_t>()) / double(runningCount));
        emitMetric("lr", step, lr);
        runningLoss.zero_();
        runningCorrect.zero_();
        runningCount = 0;
        ProgressEvent p{step, total, epoch + 1, epochs, elapsed(), elapsed() / double(step) * double(total - step)};
        for (auto* o : observers_) o->onProgress(p);
      }
      if (config_.evalEvery > 0 && step % config_.evalEvery == 0) runEvaluation(step);
      if (step >= total || result.stoppedEarly) break;
    }
    if (result.cancelled) break;
    result.epochsCompleted = epoch + 1;
    if (config_.evalEvery <= 0) runEvaluation(step);
  }
  if (!best.empty()) restore(*model_, best);
  model_->eval();
  result.steps = step;
  result.seconds = elapsed();
  return result;
}

}  // namespace trustlab
