// core/training: the optimizer registry (training.optimizer chooses) and makeOptimizer.
#pragma once
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <functional>
#include <memory>

#include "config/registry.h"
#include "training/train_config.h"

namespace trustlab {

struct OptimizerEntry {
  std::function<std::unique_ptr<torch::optim::Optimizer>(std::vector<torch::Tensor>, const TrainConfig&)> make;
  bool momentum = false;  ///< reads training.momentum
  /// An auto learning rate (training.lr = 0) of a budget-driven run grows as (B/64)^this: ½ for
  /// adaptive optimizers (square-root scaling, Malladi et al. 2022), 1 for SGD (linear scaling,
  /// Goyal et al. 2017).
  double lrScalingExponent = 0.5;
};
/// sgd, adam, adamw and any added by plugins.
Registry<OptimizerEntry>& optimizerRegistry();

/// Optimizer for `config` over `model`'s parameters; InputError naming the field for an unknown name.
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(torch::nn::Module& model, const TrainConfig& config);

}  // namespace trustlab
