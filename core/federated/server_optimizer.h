// core/federated: the server step from the round's averaged client update Δ = Σ w_k (x_k − x):
// FedAvg (x += η Δ) and the adaptive FedOpt family of Reddi et al. 2021 (FedAdagrad, FedAdam,
// FedYogi), x += η m / (√v + τ).
#pragma once
#include <torch/types.h>

#include <string>
#include <vector>

namespace trustlab {

class ServerOptimizer {
 public:
  ServerOptimizer(std::string algorithm, double lr, double beta1, double beta2, double tau);
  /// Moves `global` (in place) by the pseudo-gradient `delta` (one tensor per parameter).
  void step(std::vector<torch::Tensor>& global, const std::vector<torch::Tensor>& delta);

 private:
  std::string algorithm_;
  double lr_, beta1_, beta2_, tau_;
  std::vector<torch::Tensor> m_, v_;
};

}  // namespace trustlab
