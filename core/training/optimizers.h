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
};
/// sgd, adam, adamw and any added by plugins.
Registry<OptimizerEntry>& optimizerRegistry();

/// Optimizer for `config` over `model`'s parameters; InputError naming the field for an unknown name.
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(torch::nn::Module& model, const TrainConfig& config);

}  // namespace trustlab
