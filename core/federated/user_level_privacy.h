// core/federated: user-level DP (DP-FedAvg, McMahan et al. 2018) of a federated run: each
// client's update is clipped to L2 norm S, Gaussian noise σ·S is added to the sum, and the sum is
// divided by K; σ is calibrated to the target ε over all rounds (or given). With adaptive clipping
// (Andrew et al. 2021) S follows a quantile of the update norms from a noised count whose cost is
// taken from the update noise's budget. Every round is composed by the run's accountant.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <torch/types.h>

#include "federated/federated_config.h"
#include "privacy/accountant.h"
#include "privacy/dp_config.h"
#include "privacy/gaussian_noise.h"
#include "training/observer.h"

namespace trustlab {

class UserLevelPrivacy {
 public:
  /// `sampleRate`: the per-round rate every client is accounted at.
  UserLevelPrivacy(const FederatedConfig& config, const PrivacyConfig& privacy, double sampleRate, uint64_t seed,
                   const torch::Device& device);
  double noiseMultiplier() const { return sigma_; }
  double clip() const { return clip_; }
  /// min(1, S / ‖update‖): the factor a client's update is scaled by.
  double clipFactor(double updateNorm) const { return std::min(1.0, clip_ / std::max(updateNorm, 1e-12)); }
  /// Noise on the round's summed update, divided by K. Added even when nobody reported: what is
  /// released must not depend on it.
  void addNoise(std::vector<torch::Tensor>& sum);
  /// After the server step: the round composed by the accountant, the clip moved (adaptive), the
  /// clip used and ε emitted. `unclipped`: clients whose update norm was within the clip.
  void endRound(long round, double unclipped, const std::function<void(const std::string&, long, double)>& emit,
                const std::function<void(const PrivacyEvent&)>& ledger);

 private:
  FederatedConfig config_;
  double delta_, q_, sigma_;
  double clip_, sigmaUpdate_, sigmaCount_ = 0;
  std::unique_ptr<Accountant> accountant_;
  std::mt19937_64 countRng_;  // the adaptive clip's noisy count, when not secure
  std::shared_ptr<SecureNoise> secure_;  // secure mode: count and noise (ChaCha20)
  GaussianNoise noise_;
};

}  // namespace trustlab
