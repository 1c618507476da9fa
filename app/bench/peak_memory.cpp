#include "peak_memory.h"

#include <c10/core/CPUAllocator.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <unordered_map>

#ifdef TRUSTLAB_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace trustlab::bench {
namespace {

std::atomic<int64_t> liveBytes{0}, peakBytes{0};

/// The real allocations behind the counted ones, by data pointer. LibTorch's raw_allocate
/// requires a DataPtr's context to be its data pointer, so the size cannot ride in the context.
struct Counted {
  c10::DataPtr inner;
  int64_t bytes;
};
std::mutex liveMutex;
std::unordered_map<void*, Counted> live;

void releaseCounted(void* data) {
  Counted released;
  {
    std::lock_guard<std::mutex> lock(liveMutex);
    auto it = live.find(data);
    if (it == live.end()) return;
    released = std::move(it->second);
    live.erase(it);
  }
  liveBytes -= released.bytes;  // `released` frees the memory as it goes out of scope
}

// `allocate` is const in LibTorch 1.x and non-const in 2.x, and 2.x adds `copy_data`: defining
// both signatures (without `override`) overrides whichever the installed version declares.
class CountingAllocator final : public c10::Allocator {
 public:
  explicit CountingAllocator(c10::Allocator* inner) : inner_(inner) {}
  c10::DataPtr allocate(size_t n) const { return wrap(n); }
  c10::DataPtr allocate(size_t n) { return wrap(n); }
  c10::DeleterFnPtr raw_deleter() const override { return &releaseCounted; }
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

 private:
  c10::DataPtr wrap(size_t n) const {
    c10::DataPtr inner = inner_->allocate(n);
    void* data = inner.get();
    const auto device = inner.device();
    if (!data) return inner;  // zero bytes: nothing to count
    {
      std::lock_guard<std::mutex> lock(liveMutex);
      live[data] = Counted{std::move(inner), int64_t(n)};
    }
    const int64_t now = liveBytes += int64_t(n);
    int64_t seen = peakBytes.load();
    while (now > seen && !peakBytes.compare_exchange_weak(seen, now)) {
    }
    return {data, data, &releaseCounted, device};
  }
  c10::Allocator* inner_;
};

}  // namespace

void PeakMemory::installCpuCounter() {
  static CountingAllocator counting(c10::GetCPUAllocator());
  c10::SetCPUAllocator(&counting, /*priority=*/100);
}

void PeakMemory::reset(const torch::Device& device) {
  if (device.is_cpu()) peakBytes = liveBytes.load();
#ifdef TRUSTLAB_WITH_CUDA
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(device.index() < 0 ? 0 : device.index());
#endif
}

int64_t PeakMemory::peak(const torch::Device& device) {
  if (device.is_cpu()) return peakBytes.load();
#ifdef TRUSTLAB_WITH_CUDA
  if (device.is_cuda()) {
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
    return stats.allocated_bytes[0].peak;  // index 0: the aggregate over pool types, in every version
  }
#endif
  return -1;
}

}  // namespace trustlab::bench
