// core/federated: the server's side of a round's updates. Each reporting client's update
// x_k − x is added with its coefficient — its aggregation weight, or with user-level DP its clip
// factor — into a float64 sum (so the order clients are added in, and the rank that added them,
// cannot change the result), or, with secure aggregation, uploaded masked so that only the sum is
// ever seen. After every add the worker model is back at the global parameters.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <memory>
#include <vector>

#include <torch/types.h>

#include "federated/secure_aggregation.h"

namespace trustlab {

class UpdateAggregator {
 public:
  /// `params`: the worker model's parameters; `global`: the global model; `table`: the token
  /// embedding table, of which a client without noise moves only the rows of its tokens
  /// (undefined: none is sparse, as when the LM head is the same table).
  UpdateAggregator(std::vector<torch::Tensor> params, const std::vector<torch::Tensor>& global, torch::Tensor table,
                   bool secure);
  /// A round starts: the sum cleared; with secure aggregation, everyone who joined the key
  /// exchange (reported or late) holds masks.
  void begin(long round, const std::vector<size_t>& joined, uint64_t seed);
  /// Adds coefficient·(x_k − x) of the worker model and resets it to x. `tokens`: the embedding
  /// rows the client could move (nullptr: it may have moved all, e.g. under eDP-SGD's noise).
  void add(size_t client, double coefficient, const std::vector<int64_t>* tokens);
  /// With secure aggregation: the unmasked sum (late clients' masks removed) into sum(), and the
  /// traffic the protocol added (fl/secagg_overhead_bytes, and its ratio to plain float32 uploads).
  void finish(long round, size_t reported, const std::vector<size_t>& late,
              const std::function<void(const std::string&, long, double)>& emit);
  /// The round's update sum, one float64 tensor per parameter (all-reduced across processes).
  std::vector<torch::Tensor>& sum() { return sum_; }
  /// ‖x_k − x‖ of the worker model now.
  double updateNorm() const;

 private:
  std::vector<torch::Tensor> params_;
  const std::vector<torch::Tensor>& global_;
  torch::Tensor table_;
  bool secureAggregation_;
  std::unique_ptr<SecureAggregator> secure_;
  std::vector<torch::Tensor> sum_;
};

/// The distinct token ids in the rows `examples` of `ids` (the embedding rows a client can move),
/// sorted.
std::vector<int64_t> tokensOf(const torch::Tensor& ids, const std::vector<long>& examples);

}  // namespace trustlab
