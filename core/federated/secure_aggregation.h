// core/federated: simulated secure aggregation (Bonawitz et al. 2017). Each client's contribution
// is quantised to fixed point and masked with pairwise masks (client i adds PRG(s_ij) for j > i and
// subtracts it for j < i) in 64-bit wrap-around arithmetic, so the server's sum of masked vectors
// equals the sum of the contributions exactly; the masks of clients that dropped after the key
// exchange are removed with the seeds the survivors reveal. The traffic the protocol adds is counted.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace trustlab {

class SecureAggregator {
 public:
  /// `participants`: the clients that joined the key exchange; `shapes` of the summed tensors.
  SecureAggregator(const std::vector<size_t>& participants, const std::vector<torch::Tensor>& like, uint64_t roundSeed,
                   int fractionalBits = 24);
  /// Adds one client's masked, quantised contribution (what the server receives).
  void add(size_t client, const std::vector<torch::Tensor>& contribution);
  /// The exact sum of the contributions received (as float), after unmasking the `dropped`
  /// clients' pairwise masks from the survivors' revealed seeds.
  std::vector<torch::Tensor> sum(const std::vector<size_t>& dropped) const;
  /// What one masked upload looks like (for tests: it must not reveal the contribution).
  std::vector<torch::Tensor> masked(size_t client, const std::vector<torch::Tensor>& contribution) const;
  /// Bytes the protocol adds over sending float32 updates: key exchange, secret shares, the wider
  /// fixed-point vector, and the seeds revealed for dropped clients.
  double overheadBytes(size_t dropped) const;
  int64_t elementCount() const { return elements_; }

 private:
  torch::Tensor mask(size_t a, size_t b, int64_t numel, size_t tensor) const;
  std::vector<size_t> participants_;
  std::vector<torch::Tensor> sum_;  // int64, wrap-around
  uint64_t seed_;
  double scale_;
  int64_t elements_ = 0;
};

}  // namespace trustlab
