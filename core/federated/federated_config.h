// core/federated: the "federated" section of a spec: partition, selection, aggregation, rounds and
// the client/server optimisers. Plain data, so the spec header stays light.
#pragma once
#include <string>

namespace trustlab {

struct FederatedConfig {
  bool enabled = false;
  std::string partition = "natural";  ///< iid | natural | dirichlet (label skew) | quantity
  double alpha = 1.0;                 ///< Dirichlet concentration (label or quantity skew)
  int clients = 100;                  ///< population for iid/dirichlet/quantity (natural: the users)
  std::string selection = "uniform";  ///< uniform | activity (p ∝ n_k, without replacement)
  std::string aggregation = "samples";  ///< samples (n_k weights) | equal
  int rounds = 50;
  int clientsPerRound = 10;
  int localEpochs = 1;
  long localBatchSize = 16;
  double localLr = 0.05;              ///< client SGD learning rate
  std::string algorithm = "fedavg";   ///< fedavg | fedprox | fedadam | fedyogi | fedadagrad
  double mu = 0.01;                   ///< FedProx proximal weight
  double serverLr = 1.0;              ///< 1 with fedavg is plain averaging; ~0.01–0.1 for FedOpt
  double beta1 = 0.9, beta2 = 0.99, tau = 1e-3;  ///< FedOpt (Reddi et al. 2021)
  int evalEvery = 1;                  ///< rounds between evaluations of the global model
};

}  // namespace trustlab
