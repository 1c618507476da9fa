// core/federated: a federated simulation spread over processes (and machines) with LibTorch's
// c10d Gloo backend, joined at a Rendezvous (torchrun's RANK, WORLD_SIZE, MASTER_ADDR and
// MASTER_PORT, or the launcher's). Every rank draws the same selection; the round's clients are
// sharded over ranks and their summed updates combined by all-reduce.
#pragma once
#include <torch/types.h>

#include <memory>
#include <vector>

#include "federated/rendezvous.h"

namespace trustlab {

class DistributedContext {
 public:
  /// Joins the run (rank 0 hosts the store); nullptr for a single process. Throws InputError
  /// naming the variable when one is out of range.
  static std::unique_ptr<DistributedContext> connect(const Rendezvous& r);
  ~DistributedContext();

  int rank() const { return rank_; }
  int worldSize() const { return worldSize_; }
  /// Sums `tensors` over all ranks, in place (CPU or the model's device: moved as needed).
  void allReduceSum(std::vector<torch::Tensor>& tensors);

 private:
  struct Impl;
  DistributedContext(int rank, int worldSize, std::unique_ptr<Impl> impl);
  int rank_, worldSize_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trustlab
