// core/audits: a stored run read back for auditing. Its checkpoint and spec give back the model
// and, rebuilt, exactly its data (canaries included).
#pragma once
#include <string>
#include <vector>

#include "models/text_classifier.h"
#include "spec/experiment_spec.h"
#include "spec/prepared_data.h"
#include "store/run_store.h"

namespace trustlab {

struct AuditedRun {
  ExperimentSpec spec;
  PreparedData data;
  TextClassifierPtr model;  ///< on the spec's device
};

/// Throws InputError naming the run when it is unknown, unfinished or has no checkpoint.
AuditedRun loadRunForAudit(const RunStore& store, long long runId);

/// P(label) of each text under the run's model (encoded with the run's vocabulary).
std::vector<double> classProbabilities(const AuditedRun& run, const std::vector<std::string>& texts,
                                       const std::string& label);
/// The class an audit scores: `requested`, else "1", "positive" or "pos" when the run has it;
/// throws InputError naming positive_label otherwise.
std::string positiveClassFor(const AuditedRun& run, const std::string& requested);

}  // namespace trustlab
