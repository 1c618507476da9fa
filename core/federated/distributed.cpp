#include "federated/distributed.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <stdexcept>
#include <string>

#include "util/errors.h"

namespace trustlab {

struct DistributedContext::Impl {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

DistributedContext::DistributedContext(int rank, int worldSize, std::unique_ptr<Impl> impl)
    : rank_(rank), worldSize_(worldSize), impl_(std::move(impl)) {}

DistributedContext::~DistributedContext() = default;

std::unique_ptr<DistributedContext> DistributedContext::connect(const Rendezvous& r) {
  if (r.worldSize <= 1) return nullptr;
  if (r.rank < 0 || r.rank >= r.worldSize) throw InputError("$RANK", "must be in 0..WORLD_SIZE-1");
  if (r.port <= 0 || r.port > 65535) throw InputError("$MASTER_PORT", "must be in 1..65535");
  c10d::TCPStoreOptions opts;
  opts.port = std::uint16_t(r.port);
  opts.isServer = r.rank == 0;
  opts.numWorkers = std::size_t(r.worldSize);
  auto impl = std::make_unique<Impl>();
  impl->store = c10::make_intrusive<c10d::TCPStore>(r.host, opts);
  auto options = c10d::ProcessGroupGloo::Options::create();
  options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(r.host));
  impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, r.rank, r.worldSize, options);
  return std::unique_ptr<DistributedContext>(new DistributedContext(r.rank, r.worldSize, std::move(impl)));
}

void DistributedContext::allReduceSum(std::vector<torch::Tensor>& tensors) {
  for (auto& t : tensors) {
    std::vector<torch::Tensor> one{t.device().is_cpu() ? t : t.cpu()};
    try {
      impl_->group->allreduce(one)->wait();
    } catch (const std::exception& e) {  // Gloo's own message names only a socket
      throw std::runtime_error("rank " + std::to_string(rank_) + " lost contact with another rank of the run (it " +
                               "stopped or failed): " + e.what());
    }
    if (!t.device().is_cpu()) t.copy_(one[0]);
  }
}

}  // namespace trustlab
