#include "federated/server_optimizer.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>


namespace trustlab {
namespace {

/// x += lr·d for a float32 model and a float64 update: what add_ computes, but add_ takes a
/// scalar casting path for mixed types that cost a small round more than all its clients' updates.
void addUpdate(torch::Tensor& x, const torch::Tensor& d, double lr) {
  if (x.is_cpu() && d.is_cpu() && x.scalar_type() == torch::kFloat && d.scalar_type() == torch::kDouble &&
      x.is_contiguous() && d.is_contiguous()) {
    float* xp = x.data_ptr<float>();
    const double* dp = d.data_ptr<double>();
    // In LibTorch's element-wise shares (grain as TensorIterator's): each core updates the part of
    // the model its kernels keep in its cache.
    at::parallel_for(0, x.numel(), at::internal::GRAIN_SIZE, [&](int64_t first, int64_t last) {
      for (int64_t j = first; j < last; ++j) xp[j] = float(double(xp[j]) + lr * dp[j]);
    });
    return;
  }
  x.add_(d, lr);
}

}  // namespace

Registry<FederatedAlgorithm>& federatedAlgorithmRegistry() {
  static Registry<FederatedAlgorithm> r("federated algorithm", "federated.algorithm", [](auto& reg) {
    const std::vector<std::string> fedOpt = {"beta1", "beta2", "tau"};
    reg.add({"fedavg", "FedAvg (McMahan et al. 2017): the weighted mean of the client updates"}, {});
    reg.add({"fedprox", "FedProx (Li et al. 2020): FedAvg with a proximal term μ on the clients"},
            {nullptr, true, {"mu"}});
    reg.add({"fedadam", "FedAdam (Reddi et al. 2021): Adam on the server over the mean update"},
            {[](torch::Tensor& v, const torch::Tensor& d2, double b2) { v.mul_(b2).add_(d2, 1 - b2); }, false, fedOpt});
    reg.add({"fedyogi", "FedYogi (Reddi et al. 2021): Yogi's sign-controlled second moment"},
            {[](torch::Tensor& v, const torch::Tensor& d2, double b2) { v.sub_((1 - b2) * d2 * torch::sign(v - d2)); },
             false, fedOpt});
    reg.add({"fedadagrad", "FedAdagrad (Reddi et al. 2021): accumulated squared updates"},
            {[](torch::Tensor& v, const torch::Tensor& d2, double) { v.add_(d2); }, false, fedOpt});
  });
  return r;
}

ServerOptimizer::ServerOptimizer(const std::string& algorithm, double lr, double beta1, double beta2, double tau)
    : algorithm_(federatedAlgorithmRegistry().at(algorithm)), lr_(lr), beta1_(beta1), beta2_(beta2), tau_(tau) {}

void ServerOptimizer::step(std::vector<torch::Tensor>& global, const std::vector<torch::Tensor>& delta) {
  torch::NoGradGuard noGrad;
  if (!algorithm_.secondMoment) {  // FedAvg; FedProx differs on the clients only
    for (size_t i = 0; i < global.size(); ++i) addUpdate(global[i], delta[i], lr_);
    return;
  }
  if (m_.empty())
    for (const auto& d : delta) {
      m_.push_back(torch::zeros_like(d));
      v_.push_back(torch::full_like(d, tau_ * tau_));  // Reddi et al. initialise v to τ²
    }
  for (size_t i = 0; i < global.size(); ++i) {
    const auto& d = delta[i];
    m_[i].mul_(beta1_).add_(d, 1 - beta1_);
    algorithm_.secondMoment(v_[i], d * d, beta2_);
    addUpdate(global[i], m_[i] / (v_[i].sqrt() + tau_), lr_);
  }
}

}  // namespace trustlab
