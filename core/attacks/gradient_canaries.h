// core/attacks: white-box auditing of DP-SGD's steps with Dirac gradient canaries (Nasr et al. 2021,
// "Adversary instantiation"; Jagielski et al. 2020). Each canary is one coordinate of the trainable
// parameters, in the training set with probability ½; a member joins each logical batch with the
// run's sampling rate q, as an example would, and adds the most a clipped example can: C at its
// coordinate. The adversary is the strongest one DP protects against: it sees every step and knows
// every other example, so at its coordinate it reads x_t = (noised sum − clean sum)/C = b_t + σ·z_t,
// b_t the canary's presence in step t. Its score is the exact log-likelihood ratio of "member"
// (x_t ~ q·N(1, σ²) + (1 − q)·N(0, σ²)) against "not" (N(0, σ²)) summed over the steps: the
// Neyman–Pearson test, so the Clopper–Pearson ε lower bound (epsilon_lower_bound.h) is as strong as
// the threat model allows. The canaries of one run are independent trials: disjoint coordinates,
// independent membership coins and independent noise.
#pragma once
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "training/private_stepper.h"

namespace trustlab {

struct GradientCanaryOptions {
  long count = 200000;     ///< canaries (at most one per trainable coordinate)
  double magnitude = 1.0;  ///< what a present canary adds, in units of C: above 1 is a clipping bug (tests)
  uint64_t seed = 0;
};

class GradientCanaries : public NoiseTap {
 public:
  /// Canaries on distinct random coordinates of `params`.
  GradientCanaries(const std::vector<torch::Tensor>& params, const GradientCanaryOptions& options);

  void beforeNoise(std::vector<torch::Tensor>& sums, double clipNorm, double noiseStd, double sampleRate) override;
  void afterNoise(const std::vector<torch::Tensor>& noised, double expectedBatch) override;

  long count() const { return long(member_.size()); }
  long steps() const { return steps_; }
  const std::vector<bool>& isMember() const { return member_; }
  /// Each canary's summed log-likelihood ratio over the steps seen (higher: "member").
  std::vector<double> scores() const;

 private:
  struct Slots {  // the canaries on one parameter
    size_t param;
    torch::Tensor offsets;  ///< flat coordinates in the parameter, on its device [k]
    torch::Tensor canary;   ///< which canary each is [k] (CPU)
    torch::Tensor clean;    ///< the step's clean sum there (double, CPU)
  };
  std::vector<Slots> slots_;
  std::vector<bool> member_;
  torch::Tensor memberMask_;  ///< member_ as doubles [m]
  torch::Tensor llr_;         ///< summed log-likelihood ratios [m] (double)
  at::Generator generator_;
  double magnitude_, q_ = 0, clipNorm_ = 0, sigma_ = 0;  ///< q, C and σ of the step seen last
  long steps_ = 0;
};

}  // namespace trustlab
