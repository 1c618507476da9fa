// core/audits: the canary audit of a trained model: for every planted canary, its exposure and
// whether white-box inversion gives its secret back, with the averages researchers report.
#pragma once
#include <string>
#include <vector>

#include "attacks/canary_exposure.h"
#include "attacks/model_inversion.h"
#include "audits/audit.h"

namespace trustlab {

struct CanaryReport {
  std::string text, recoveredText;
  Exposure exposure;
  InversionResult inversion;
};

struct CanaryAuditResult {
  std::vector<CanaryReport> canaries;
  double meanExposure = 0, maxExposure = 0;
  double tokensRecovered = 0;  ///< mean fraction of secret tokens inversion recovered
  double extractionRate = 0;   ///< fraction of canaries extracted whole
  double randomGuessTokens = 0;  ///< 1 / alphabet size: what guessing gets per token
  double seconds = 0;
};

/// The canary as ids; throws InputError when it does not fit the spec's maximum length.
EncodedCanary encodeCanary(const Canary& canary, const ExperimentSpec& spec, const PreparedData& data);

/// Throws InputError when the spec planted no canaries.
CanaryAuditResult auditCanaries(TextClassifierImpl& model, const ExperimentSpec& spec, const PreparedData& data,
                                const InversionOptions& inversion = {});

inline constexpr char kCanaryAudit[] = "canary";
/// The registry entry (no argument; typed options: InversionOptions).
Audit canaryAudit();

}  // namespace trustlab
