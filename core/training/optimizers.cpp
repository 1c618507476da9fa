#include "layers/tracked_layers.h"
#include "training/optimizers.h"

#include <torch/optim.h>

namespace trustlab {

Registry<OptimizerEntry>& optimizerRegistry() {
  static Registry<OptimizerEntry> r("optimizer", "training.optimizer", [](auto& reg) {
    reg.add({"sgd", "stochastic gradient descent with momentum"},
            {[](std::vector<torch::Tensor> params, const TrainConfig& c) -> std::unique_ptr<torch::optim::Optimizer> {
               return std::make_unique<torch::optim::SGD>(
                   params, torch::optim::SGDOptions(c.lr).momentum(c.momentum).weight_decay(c.weightDecay));
             },
             true, 1.0});
    reg.add({"adam", "Adam (Kingma & Ba 2015), L2 weight decay"},
            {[](std::vector<torch::Tensor> params, const TrainConfig& c) -> std::unique_ptr<torch::optim::Optimizer> {
               return std::make_unique<torch::optim::Adam>(params,
                                                           torch::optim::AdamOptions(c.lr).weight_decay(c.weightDecay));
             }});
    reg.add({"adamw", "AdamW (Loshchilov & Hutter 2019): decoupled weight decay"},
            {[](std::vector<torch::Tensor> params, const TrainConfig& c) -> std::unique_ptr<torch::optim::Optimizer> {
               return std::make_unique<torch::optim::AdamW>(
                   params, torch::optim::AdamWOptions(c.lr).weight_decay(c.weightDecay));
             }});
  });
  return r;
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(torch::nn::Module& model, const TrainConfig& c) {
  return optimizerRegistry().at(c.optimizer).make(trainableParameters(model), c);
}

}  // namespace trustlab
