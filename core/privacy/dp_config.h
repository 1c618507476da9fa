// core/privacy: how a run is made differentially private (the "privacy" section of a spec).
#pragma once
#include <string>

namespace trustlab {

struct PrivacyConfig {
  std::string mode = "off";        ///< "off", "edp" (efficient per-example clipping) or "naive" (reference)
  double targetEpsilon = 0;        ///< > 0: σ is calibrated to reach it at the end of training
  double noiseMultiplier = 1.0;    ///< σ, used when targetEpsilon is 0
  double delta = 1e-5;
  double clipNorm = 1.0;           ///< C
  /// "flat" (one bound C), "per_layer" (C/√L per layer) or "auto" (per-example normalisation,
  /// Bu et al. 2022: no C to tune).
  std::string clipping = "flat";
  std::string sampling = "poisson";  ///< "poisson" (what the accountant assumes) or "shuffle"
  std::string accountant = "rdp";
  bool secure = false;             ///< noise and sampling from a generator seeded by the OS, not the run seed
  long maxPhysicalBatch = 256;     ///< larger logical batches are processed in chunks

  bool enabled() const { return mode != "off"; }
};

}  // namespace trustlab
