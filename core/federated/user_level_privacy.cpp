#include "federated/user_level_privacy.h"

#include <cmath>

#include "federated/client_selection.h"
#include "privacy/adaptive_clipping.h"
#include "privacy/calibration.h"
#include "util/errors.h"

namespace trustlab {

UserLevelPrivacy::UserLevelPrivacy(const FederatedConfig& config, const PrivacyConfig& privacy, double q,
                                   uint64_t seed, const torch::Device& device)
    : config_(config),
      delta_(privacy.delta),
      q_(q),
      sigma_(config.userNoiseMultiplier),
      clip_(config.userClip),
      accountant_(makeAccountant(privacy.accountant)),
      countRng_(seed ^ 0xc047ULL),
      secure_(privacy.secure ? std::make_shared<SecureNoise>() : nullptr),
      noise_(secure_ ? GaussianNoise(secure_) : GaussianNoise(seed ^ 0x05e7ULL, device)) {
  if (!aggregationRegistry().at(config.aggregation).equal)
    throw InputError("federated.user_dp", "needs equal aggregation weights (the clip bounds each client's share)");
  if (config.userTargetEpsilon > 0)
    sigma_ = calibrateNoise(config.userTargetEpsilon, delta_, q_, config.rounds, privacy.accountant).noiseMultiplier;
  sigmaUpdate_ = sigma_;
  if (config.userAdaptiveClip) {
    sigmaCount_ = double(config.clientsPerRound) / 20;
    sigmaUpdate_ = updateNoiseAfterCount(sigma_, sigmaCount_);
    if (std::isnan(sigmaUpdate_))
      throw InputError("federated.user_adaptive_clip",
                       "σ = " + std::to_string(sigma_) + " leaves no budget for the count: use more clients per round");
  }
}

void UserLevelPrivacy::addNoise(std::vector<torch::Tensor>& sum) {
  double sigma = sigmaUpdate_;
  if (secure_) {  // a little more noise for the snapping's wider sensitivity (privacy/secure_noise.h)
    int64_t coordinates = 0;
    for (const auto& d : sum) coordinates += d.numel();
    sigma = noiseMultiplierBeforeSnapping(sigma, coordinates);
  }
  for (auto& d : sum) noise_.addTo(d, sigma * clip_, 1.0 / double(config_.clientsPerRound));
}

void UserLevelPrivacy::endRound(long round, double unclipped,
                                const std::function<void(const std::string&, long, double)>& emit,
                                const std::function<void(const PrivacyEvent&)>& ledger) {
  emit("privacy/user_clip", round, clip_);
  if (config_.userAdaptiveClip) {
    // Geometric step towards the target quantile from the privately counted unclipped share.
    const double z = secure_ ? secure_->normal() : std::normal_distribution<double>(0, 1)(countRng_);
    const double noisyCount = unclipped + sigmaCount_ * z;
    clip_ = nextClipNorm(clip_, noisyCount, double(config_.clientsPerRound), config_.userTargetQuantile,
                         config_.userClipLr);
  }
  accountant_->compose(sigma_, q_, 1);
  const double eps = accountant_->epsilon(delta_);
  emit("privacy/epsilon", round, eps);
  ledger({round, sigma_, q_, eps, delta_, accountant_->name()});
}

}  // namespace trustlab
