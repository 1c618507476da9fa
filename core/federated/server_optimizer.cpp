#include "federated/server_optimizer.h"

#include <torch/torch.h>

#include "util/errors.h"

namespace trustlab {
namespace {

/// x += lr·d for a float32 model and a float64 update: what add_ computes, but add_ takes a
/// scalar casting path for mixed types that cost a small round more than all its clients' updates.
void addUpdate(torch::Tensor& x, const torch::Tensor& d, double lr) {
  if (x.is_cpu() && d.is_cpu() && x.scalar_type() == torch::kFloat && d.scalar_type() == torch::kDouble &&
      x.is_contiguous() && d.is_contiguous()) {
    float* xp = x.data_ptr<float>();
    const double* dp = d.data_ptr<double>();
    for (int64_t j = 0, n = x.numel(); j < n; ++j) xp[j] = float(double(xp[j]) + lr * dp[j]);
    return;
  }
  x.add_(d, lr);
}

}  // namespace

ServerOptimizer::ServerOptimizer(std::string algorithm, double lr, double beta1, double beta2, double tau)
    : algorithm_(std::move(algorithm)), lr_(lr), beta1_(beta1), beta2_(beta2), tau_(tau) {
  if (algorithm_ != "fedavg" && algorithm_ != "fedprox" && algorithm_ != "fedadam" && algorithm_ != "fedyogi" &&
      algorithm_ != "fedadagrad")
    throw InputError("federated.algorithm", "must be fedavg, fedprox, fedadam, fedyogi or fedadagrad");
}

void ServerOptimizer::step(std::vector<torch::Tensor>& global, const std::vector<torch::Tensor>& delta) {
  torch::NoGradGuard noGrad;
  if (algorithm_ == "fedavg" || algorithm_ == "fedprox") {  // FedProx differs on the clients only
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
    const auto d2 = d * d;
    if (algorithm_ == "fedadagrad") v_[i].add_(d2);
    else if (algorithm_ == "fedadam") v_[i].mul_(beta2_).add_(d2, 1 - beta2_);
    else v_[i].sub_((1 - beta2_) * d2 * torch::sign(v_[i] - d2));  // FedYogi
    addUpdate(global[i], m_[i] / (v_[i].sqrt() + tau_), lr_);
  }
}

}  // namespace trustlab
