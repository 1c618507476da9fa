// core/audits: the white-box DP audit of a private run (attacks/gradient_canaries.h): the run's spec
// trained again on its data with Dirac gradient canaries inserted into the steps, and the ε that
// the canaries' distinguishability proves (Clopper–Pearson, 95 %) beside the theoretical ε of the
// same training. A lower bound above the theoretical ε means the implementation leaks more than
// it reports: a privacy bug.
#pragma once
#include <atomic>
#include <functional>
#include <string>

#include "attacks/epsilon_lower_bound.h"
#include "attacks/gradient_canaries.h"
#include "audits/audit.h"

namespace trustlab {

struct GradientCanaryAuditOptions {
  GradientCanaryOptions canaries;  ///< per training (at most one per trainable coordinate)
  /// Independent trainings, each with fresh canaries; 0: enough for canaries.count trials in all
  /// (a small model has fewer coordinates than that), at most 16.
  int trainings = 0;
  std::function<void(const std::string&)> progress;
  const std::atomic<bool>* stop = nullptr;
};

struct GradientCanaryAuditResult {
  EmpiricalEpsilon epsilon;          ///< the lower bound and its point estimate
  double theoreticalEpsilon = 0;     ///< the accountant's ε for the audited training
  double delta = 0, noiseMultiplier = 0, sampleRate = 0;
  long canaries = 0, members = 0, steps = 0;  ///< canaries over all trainings; steps of each
  int trainings = 0;
  double auc = 0, seconds = 0;
  RocCurve roc;
  bool cancelled = false;
};

/// Throws InputError when the spec is not private or clips per layer (a per-layer bound C/√L
/// would need canaries of that size; flat and automatic clipping are audited).
GradientCanaryAuditResult auditGradientCanaries(const ExperimentSpec& spec, const PreparedData& data,
                                                const GradientCanaryAuditOptions& options = {});

std::string gradientCanaryJson(const GradientCanaryAuditResult& r, int indent = -1);
std::string describeGradientCanaries(const GradientCanaryAuditResult& r);

inline constexpr char kGradientCanaryAudit[] = "gradient_canaries";
/// The registry entry (no argument; typed options: GradientCanaryAuditOptions).
Audit gradientCanaryAudit();

}  // namespace trustlab
