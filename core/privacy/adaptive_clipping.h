// core/privacy: adaptive clipping by private quantile estimation (Andrew et al. 2021), shared by
// example-level eDP-SGD and user-level DP-FedAvg: the noise left for the update once a noised
// count of unclipped contributions is paid for, and the clip norm's geometric step.
#pragma once

namespace trustlab {

/// σ of the update noise when the count is released with σ_count and both together must cost one
/// Gaussian release with σ (Thm 1): (σ⁻² − (2σ_count)⁻²)^(-1/2). NaN when the count alone would
/// exceed the budget.
double updateNoiseAfterCount(double sigma, double sigmaCount);

/// The next clip norm: C · exp(−η (noisyCount / expected − γ)), towards the γ-quantile of norms.
double nextClipNorm(double clip, double noisyCount, double expected, double targetQuantile, double learningRate);

}  // namespace trustlab
