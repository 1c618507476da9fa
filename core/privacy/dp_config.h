// core/privacy: how a run is made differentially private (the "privacy" section of a spec) and
// its declared fields.
#pragma once
#include <string>

#include "config/fields.h"
#include "privacy/privacy_history.h"

namespace trustlab {

/// privacy.mode: off, eDP-SGD (per-example clipping from one backward pass) or the textbook
/// algorithm (one backward pass per example, a slow reference).
inline constexpr char kPrivacyOff[] = "off";
inline constexpr char kPrivacyEdp[] = "edp";
inline constexpr char kPrivacyNaive[] = "naive";
/// privacy.sampling: Poisson (what the accountant assumes) or shuffled fixed-size batches.
inline constexpr char kSamplingPoisson[] = "poisson";
inline constexpr char kSamplingShuffle[] = "shuffle";

struct PrivacyConfig {
  std::string mode = kPrivacyOff;  ///< kPrivacyOff, kPrivacyEdp or kPrivacyNaive
  double targetEpsilon = 0;        ///< > 0: σ is calibrated to reach it at the end of training
  double noiseMultiplier = 1.0;    ///< σ, used when targetEpsilon is 0
  double delta = 1e-5;
  double clipNorm = 1.0;           ///< C
  /// "flat" (one bound C), "per_layer" (C/√L per layer) or "auto" (per-example normalisation,
  /// Bu et al. 2022: no C to tune).
  std::string clipping = "flat";   ///< a clippingModeRegistry() name
  std::string sampling = kSamplingPoisson;  ///< or kSamplingShuffle
  std::string accountant = kRdpAccountant;  ///< an accountantRegistry() name
  bool secure = false;             ///< noise and sampling from ChaCha20 under a kernel key, snapped (privacy/secure_noise.h)
  long maxPhysicalBatch = 256;     ///< larger logical batches are processed in chunks
  /// Adaptive clipping (Andrew et al. 2021): C follows the targetQuantile of per-example norms,
  /// estimated from a noisy count whose noise (countNoiseMultiplier; 0 = B/20) is paid for by
  /// raising the gradient noise so that the total privacy cost is that of σ.
  bool adaptiveClipping = false;
  double targetQuantile = 0.5;
  double clipLearningRate = 0.2;
  double countNoiseMultiplier = 0;
  /// A vocabulary built with DP (privacy/dp_vocabulary.h): > 0 is the noise multiplier z of its
  /// noisy token counts; 0 builds it from the private texts without DP (a privacy caveat).
  double vocabularyNoise = 0;
  long vocabularyMaxWords = 16;     ///< Δ0: distinct tokens one example adds to the counts
  double vocabularyThreshold = 0;   ///< τ; 0 = the τ at which thresholding adds δ/10

  bool enabled() const { return mode != kPrivacyOff; }
  /// Turns eDP-SGD on unless a private mode is already chosen (what a target ε asks for).
  void enable() {
    if (!enabled()) mode = kPrivacyEdp;
  }
};

const FieldList<PrivacyConfig>& privacyFields();

}  // namespace trustlab
