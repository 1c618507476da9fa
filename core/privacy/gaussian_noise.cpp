#include "privacy/gaussian_noise.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <mutex>
#include <utility>

#include "privacy/box_muller.h"

namespace trustlab {
namespace {

constexpr int64_t kChunk = 1 << 14;  // elements per independently seeded stream (with its noise, in L1/L2: measured fastest)

uint64_t splitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

GaussianNoise::GaussianNoise(uint64_t seed, const torch::Device& device)
    : device_(device), seeds_(at::make_generator<at::CPUGeneratorImpl>(seed)) {
  if (!device.is_cpu()) {
    onDevice_ = at::globalContext().defaultGenerator(device).clone();
    onDevice_.set_current_seed(splitMix64(seed));
  }
}

GaussianNoise::GaussianNoise(std::shared_ptr<SecureNoise> secure)
    : device_(torch::kCPU), secure_(std::move(secure)) {}

void GaussianNoise::addTo(torch::Tensor& grad, double stddev, double scale) {
  if (secure_) return secure_->addTo(grad, stddev, scale);
  if (grad.device().is_cpu() && grad.is_contiguous()) return addOnCpu(grad, stddev, scale);
  const auto noise = torch::empty_like(grad).normal_(0, stddev, onDevice_.defined() ? onDevice_ : seeds_);
  grad.add_(noise).mul_(scale);
}

std::vector<torch::Tensor> GaussianNoise::state() const {
  if (secure_) return {};
  std::vector<torch::Tensor> s{seeds_.get_state()};
  if (onDevice_.defined()) s.push_back(onDevice_.get_state());
  return s;
}

void GaussianNoise::restore(const std::vector<torch::Tensor>& state) {
  if (secure_) return;  // fresh secret bits, never saved ones
  if (state.size() != (onDevice_.defined() ? 2u : 1u))
    throw std::invalid_argument("noise generator state for another device");
  seeds_.set_state(state[0]);
  if (onDevice_.defined()) onDevice_.set_state(state[1]);
}

void GaussianNoise::addOnCpu(torch::Tensor& grad, double stddev, double scale) {
  uint64_t base;
  {
    std::lock_guard<std::mutex> lock(seeds_.mutex());
    base = seeds_.get<at::CPUGeneratorImpl>()->random64();
  }
  auto flat = grad.view({-1});
  const int64_t n = flat.numel(), chunks = (n + kChunk - 1) / kChunk;
  const bool fast = flat.scalar_type() == torch::kFloat;
  at::parallel_for(0, chunks, 1, [&](int64_t begin, int64_t end) {
    torch::Tensor noise;
    for (int64_t c = begin; c < end; ++c) {
      const uint64_t seed = base ^ splitMix64(uint64_t(c));
      const int64_t size = std::min(kChunk, n - c * kChunk);
      if (fast) {
        addScaledGaussian(flat.data_ptr<float>() + c * kChunk, size, seed, float(stddev), float(scale));
        continue;
      }
      auto part = flat.narrow(0, c * kChunk, size);
      auto gen = at::make_generator<at::CPUGeneratorImpl>(splitMix64(seed));
      if (!noise.defined() || noise.numel() != size) noise = torch::empty_like(part);
      noise.normal_(0, stddev, gen);
      part.add_(noise).mul_(scale);
    }
  });
}

}  // namespace trustlab
