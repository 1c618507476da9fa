// core/federated: where a simulation's clients and their examples come from. Either a partition of
// one encoded split (the clients of a dataset: index lists, the split shared), or a synthetic
// population whose clients are generated on demand from (seed, client id), so that a million
// clients cost memory only for the few a round trains (scale studies: rounds/s, memory, selection).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "data/batching.h"
#include "federated/partition.h"

namespace trustlab {

/// A client's examples: rows of a split (the whole split may be shared with other clients).
struct ClientExamples {
  EncodedSplit data;
  std::vector<long> rows;
};

class ClientSource {
 public:
  virtual ~ClientSource() = default;
  virtual size_t clients() const = 0;
  /// n_k, without producing the examples.
  virtual long count(size_t client) const = 0;
  virtual ClientExamples examples(size_t client) const = 0;
};

/// The clients of a partition of `data` (both must outlive it).
class PartitionedClients : public ClientSource {
 public:
  PartitionedClients(const EncodedSplit& data, const Partition& clients) : data_(data), clients_(clients) {}
  size_t clients() const override { return clients_.size(); }
  long count(size_t client) const override { return long(clients_[client].size()); }
  ClientExamples examples(size_t client) const override { return {data_, clients_[client]}; }

 private:
  const EncodedSplit& data_;
  const Partition& clients_;
};

struct SyntheticClientsOptions {
  long population = 10000;
  double meanExamples = 10;  ///< n_k ~ log-normal with σ = 1 and this mean, at least 1
  long seqLen = 16, vocab = 5000, classes = 20;
  uint64_t seed = 1;
};

/// Clients with uniformly random token ids (from 2: 0 and 1 are padding and unknown) and labels:
/// nothing to learn, every cost of a real client. Client k is the same on every call and every
/// machine (SplitMix64 streams of (seed, k)), whatever else was generated before.
class SyntheticClients : public ClientSource {
 public:
  explicit SyntheticClients(const SyntheticClientsOptions& o);
  size_t clients() const override { return size_t(o_.population); }
  long count(size_t client) const override;
  ClientExamples examples(size_t client) const override;

 private:
  SyntheticClientsOptions o_;
};

}  // namespace trustlab
