// core/federated: the server step from the round's averaged client update Δ = Σ w_k (x_k − x):
// FedAvg (x += η Δ) and the adaptive FedOpt family of Reddi et al. 2021 (FedAdagrad, FedAdam,
// FedYogi), x += η m / (√v + τ).
#pragma once
#include <torch/types.h>

#include <functional>
#include <string>
#include <vector>

#include "config/registry.h"

namespace trustlab {

/// A federated algorithm: how the server moves the global model, and what the clients add.
struct FederatedAlgorithm {
  /// FedOpt's second-moment update v ← f(v, Δ², β2); null: plain averaging x += η Δ.
  std::function<void(torch::Tensor& v, const torch::Tensor& d2, double beta2)> secondMoment;
  bool proximal = false;            ///< clients add FedProx's μ/2·‖x − x_global‖²
  std::vector<std::string> fields;  ///< the "federated" keys it reads besides server_lr
};
/// fedavg, fedprox, fedadam, fedyogi, fedadagrad and any added by plugins (federated.algorithm).
Registry<FederatedAlgorithm>& federatedAlgorithmRegistry();

class ServerOptimizer {
 public:
  ServerOptimizer(const std::string& algorithm, double lr, double beta1, double beta2, double tau);
  /// Moves `global` (in place) by the pseudo-gradient `delta` (one tensor per parameter).
  void step(std::vector<torch::Tensor>& global, const std::vector<torch::Tensor>& delta);

 private:
  FederatedAlgorithm algorithm_;
  double lr_, beta1_, beta2_, tau_;
  std::vector<torch::Tensor> m_, v_;
};

}  // namespace trustlab
