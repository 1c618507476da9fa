#include "peak_memory.h"

#include <c10/core/CPUAllocator.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#ifdef TRUSTLAB_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace trustlab::bench {
namespace {

std::atomic<int64_t> liveBytes{0}, peakBytes{0};
c10::Allocator* realAllocator = nullptr;

// Each counted block carries its size in a 64-byte header (keeping the data 64-byte aligned):
// counting costs two atomic adds, so timings taken with the counter installed stay honest.
constexpr size_t kHeader = 64;

void releaseCounted(void* data) {
  if (!data) return;
  char* base = static_cast<char*>(data) - kHeader;
  liveBytes -= *reinterpret_cast<int64_t*>(base);
  realAllocator->raw_deallocate(base);
}

// `allocate` is const in LibTorch 1.x and non-const in 2.x, and 2.x adds `copy_data`: defining
// both signatures (without `override`) overrides whichever the installed version declares.
// LibTorch's raw_allocate requires a DataPtr's context to be its data pointer, as here.
class CountingAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t n) const { return wrap(n); }
  c10::DataPtr allocate(size_t n) { return wrap(n); }
  c10::DeleterFnPtr raw_deleter() const override { return &releaseCounted; }
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

 private:
  static c10::DataPtr wrap(size_t n) {
    if (n == 0) return {nullptr, nullptr, &releaseCounted, c10::Device(c10::DeviceType::CPU)};
    char* base = static_cast<char*>(realAllocator->raw_allocate(n + kHeader));
    *reinterpret_cast<int64_t*>(base) = int64_t(n);
    const int64_t now = liveBytes += int64_t(n);
    int64_t seen = peakBytes.load();
    while (now > seen && !peakBytes.compare_exchange_weak(seen, now)) {
    }
    void* data = base + kHeader;
    return {data, data, &releaseCounted, c10::Device(c10::DeviceType::CPU)};
  }
};

}  // namespace

void PeakMemory::installCpuCounter() {
  if (realAllocator) return;
  realAllocator = c10::GetCPUAllocator();
  static CountingAllocator counting;
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
