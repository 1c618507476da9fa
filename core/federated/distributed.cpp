#include "federated/distributed.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <cstdlib>
#include <string>

#include "util/errors.h"

namespace trustlab {

struct DistributedContext::Impl {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

namespace {

long envLong(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end) throw InputError(std::string("$") + name, "expected an integer, got '" + std::string(v) + "'");
  return x;
}

}  // namespace

DistributedContext::DistributedContext(int rank, int worldSize, std::unique_ptr<Impl> impl)
    : rank_(rank), worldSize_(worldSize), impl_(std::move(impl)) {}

DistributedContext::~DistributedContext() = default;

std::unique_ptr<DistributedContext> DistributedContext::fromEnvironment() {
  const long world = envLong("WORLD_SIZE", 1);
  if (world <= 1) return nullptr;
  const long rank = envLong("RANK", -1);
  if (rank < 0 || rank >= world) throw InputError("$RANK", "must be in 0..WORLD_SIZE-1");
  const char* addr = std::getenv("MASTER_ADDR");
  const std::string host = addr && *addr ? addr : "127.0.0.1";
  c10d::TCPStoreOptions opts;
  opts.port = std::uint16_t(envLong("MASTER_PORT", 29500));
  opts.isServer = rank == 0;
  opts.numWorkers = std::size_t(world);
  auto impl = std::make_unique<Impl>();
  impl->store = c10::make_intrusive<c10d::TCPStore>(host, opts);
  auto options = c10d::ProcessGroupGloo::Options::create();
  options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(host));
  impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, int(rank), int(world), options);
  return std::unique_ptr<DistributedContext>(new DistributedContext(int(rank), int(world), std::move(impl)));
}

void DistributedContext::allReduceSum(std::vector<torch::Tensor>& tensors) {
  for (auto& t : tensors) {
    std::vector<torch::Tensor> one{t.device().is_cpu() ? t : t.cpu()};
    impl_->group->allreduce(one)->wait();
    if (!t.device().is_cpu()) t.copy_(one[0]);
  }
}

}  // namespace trustlab
