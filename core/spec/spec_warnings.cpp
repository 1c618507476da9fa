#include "spec/spec_warnings.h"

#include <string>

#include "federated/client_selection.h"
#include "spec/experiment_spec.h"

namespace trustlab {

std::vector<SpecIssue> specWarnings(const ExperimentSpec& spec, long trainExamples) {
  std::vector<SpecIssue> warnings;
  const auto warn = [&](bool dubious, const char* field, const std::string& message) {
    if (dubious) warnings.push_back({field, message});
  };
  const auto& p = spec.training.privacy;
  if (p.enabled()) {
    warn(p.targetEpsilon > 10, "privacy.target_epsilon",
         "ε above 10 bounds an attacker's odds by e^ε > 22,000: little formal protection");
    const double deltaLimit = trainExamples > 0 ? 1.0 / double(trainExamples) : 1e-3;
    warn(p.delta >= deltaLimit, "privacy.delta",
         trainExamples > 0 ? "δ ≥ 1/N (N = " + std::to_string(trainExamples) +
                                 "): a mechanism that publishes one example outright meets it; use δ ≪ 1/N"
                           : "δ ≥ 10⁻³ is at least 1/N for any training set above 1,000 examples; use δ ≪ 1/N");
  }
  const auto& f = spec.federated;
  if (f.enabled) {
    const auto* selection = selectionRegistry().find(f.selection);
    const auto* aggregation = aggregationRegistry().find(f.aggregation);
    warn(selection && selection->byActivity && aggregation && !aggregation->equal, "federated.aggregation",
         "activity selection (p ∝ n_k) with sample-count weights counts heavy clients twice: a biased estimate "
         "of the population objective; use equal weights");
    warn(f.userDp && f.userTargetEpsilon > 10, "federated.user_target_epsilon",
         "user-level ε above 10 gives little formal protection");
  }
  return warnings;
}

}  // namespace trustlab
