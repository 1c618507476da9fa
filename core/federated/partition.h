// core/federated: splitting a training set into clients. A client is a list of example indices.
// Label skew follows FedNLP (equal sizes, per-client label mix q ~ Dir(α·p)); quantity skew gives
// sizes ~ Dir(α·1) (or log-normal) with the same labels everywhere; cluster skew is label skew over
// k-means clusters of the texts (FedNLP's choice for tasks whose labels do not split users).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/registry.h"
#include "data/dataset.h"
#include "federated/federated_config.h"

namespace trustlab {

using Partition = std::vector<std::vector<long>>;

struct Partitioner {
  /// Training examples, their labels as class indices, seed → clients.
  std::function<Partition(const FederatedConfig&, const std::vector<Example>&, const std::vector<long>&, uint64_t)> make;
  std::vector<std::string> fields;  ///< the "federated" keys it reads (alpha, clients, …)
};
/// iid, natural, dirichlet, quantity, lognormal, clusters and any added by plugins
/// (federated.partition chooses).
Registry<Partitioner>& partitionerRegistry();

Partition partitionIid(long examples, int clients, uint64_t seed);
/// One client per distinct user id, in first-seen order; throws InputError when ids are missing.
Partition partitionByUser(const std::vector<std::string>& users);
Partition partitionDirichletLabels(const std::vector<long>& labels, int clients, double alpha, uint64_t seed);
Partition partitionDirichletQuantity(long examples, int clients, double alpha, uint64_t seed);
/// Client sizes ∝ exp(N(0, σ²)): the heavy tail of real device populations.
Partition partitionLogNormalQuantity(long examples, int clients, double sigma, uint64_t seed);
/// k-means (cosine, k-means++ start) cluster of each text's hashed bag of words.
std::vector<long> clusterTexts(const std::vector<std::string>& texts, int k, uint64_t seed);

/// The partition a config asks for over `train` (labels as class indices, one per example); the
/// same seed gives the same partition, so it can be previewed before training.
Partition makePartition(const FederatedConfig& config, const std::vector<Example>& train,
                        const std::vector<long>& labels, uint64_t seed);

struct PartitionStats {
  std::vector<long> sizes;            ///< examples per client
  std::vector<double> labelEntropy;   ///< bits, of each client's label distribution
  std::vector<long> labelCount;       ///< distinct labels each client holds
  long total = 0;
  double meanEntropy = 0, giniOfSizes = 0;
};
PartitionStats partitionStats(const Partition& p, const std::vector<long>& labels);

}  // namespace trustlab
