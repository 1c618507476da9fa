// core/federated: the "federated" section of a spec: partition, selection, aggregation, rounds and
// the client/server optimisers, with its declared fields.
#pragma once
#include <string>

#include "config/fields.h"

namespace trustlab {

struct FederatedConfig {
  bool enabled = false;
  /// iid | natural | dirichlet (label skew) | quantity (Dirichlet sizes) | lognormal (sizes) |
  /// clusters (label skew over k-means clusters of the texts)
  std::string partition = "natural";
  double alpha = 1.0;                 ///< Dirichlet concentration (label, quantity or cluster skew)
  double quantitySigma = 1.0;         ///< lognormal: σ of log client size
  int clusters = 10;                  ///< clusters: k of k-means
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
  // Continual setting: each client's data arrives in `periods` equal parts, the rounds are split
  // evenly over the periods, and a client keeps only its last `bufferPeriods` parts (1 = the old
  // data is deleted). periods = 1 is the static setting.
  int periods = 1;
  int bufferPeriods = 1;
  // System model on a virtual clock: per-client speed (log-normal, σ = speedSigma) and
  // availability (Beta with this mean); a round selects ⌈K·(1 + overSelection)⌉ clients and keeps
  // the first K available ones to finish before the deadline (0 = none).
  double overSelection = 0;
  double deadlineSeconds = 0;
  double speedSigma = 0.5;
  double availability = 1.0;
  double examplesPerSecond = 20;  ///< a median client's local training throughput
  double uploadSeconds = 2;       ///< sending the update back
  // User-level DP (DP-FedAvg, McMahan et al. 2018): each client's update clipped to L2 norm
  // userClip, Gaussian noise σ·userClip on the sum, divided by K. Needs equal weights. Uniform
  // selection: q = K / clients. Activity selection becomes Poisson with q_k = min(1, n_k /
  // activityCap) and is accounted at the largest q_k; δ and the accountant from the privacy section.
  bool userDp = false;
  double userClip = 1.0;
  double userNoiseMultiplier = 1.0;
  double userTargetEpsilon = 0;  ///< > 0: σ calibrated to reach it after all rounds
  /// Adaptive user-level clipping (Andrew et al. 2021): the clip follows the target quantile of
  /// update norms from a noised count (σ_b = K/20), its cost taken from the update noise's budget.
  bool userAdaptiveClip = false;
  double userTargetQuantile = 0.5;
  double userClipLr = 0.2;
  /// Simulated secure aggregation: masked fixed-point uploads, late clients' masks recovered.
  bool secureAggregation = false;
  double activityCap = 0;  ///< user DP + activity selection: examples at which a client is always selected
  /// Local processes sharing each round's clients (c10d Gloo over loopback; the launcher — CLI or
  /// GUI — starts them). Any count gives the same model as one process.
  int processes = 1;
};

const FieldList<FederatedConfig>& federatedFields();

}  // namespace trustlab
