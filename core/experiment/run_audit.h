// core/experiment: privacy audits of stored runs. A run's checkpoint and spec give back the
// model and, rebuilt, exactly its data (canaries included); results are recorded on the run as
// metrics under audit/… (what sweeps and the tradeoff view read) and the ROC curve as a JSON
// file beside the checkpoint.
#pragma once
#include <string>

#include "experiment/canary_audit.h"
#include "experiment/membership_audit.h"
#include "experiment/run_store.h"

namespace trustlab {

struct AuditedRun {
  ExperimentSpec spec;
  PreparedData data;
  TextClassifierPtr model;  ///< on the spec's device
};

/// Throws InputError naming the run when it is unknown, unfinished or has no checkpoint.
AuditedRun loadRunForAudit(const RunStore& store, long long runId);

MembershipAuditResult auditRunMembership(RunStore& store, long long runId, const AuditedRun& run,
                                         const MembershipAuditOptions& options);
CanaryAuditResult auditRunCanaries(RunStore& store, long long runId, const AuditedRun& run,
                                   const InversionOptions& options = {});

/// The CLI's JSON: auc, tpr_at_0.1pct_fpr, tpr_at_1pct_fpr, advantage, epsilon_lower_bound, ...
std::string membershipJson(const MembershipAuditResult& r, bool withRoc, int indent = -1);
/// exposure, tokens_recovered, extracted (rates over canaries) and each canary's details.
std::string canaryJson(const CanaryAuditResult& r, int indent = -1);

/// A few human lines (CLI, GUI status): the metrics, what they were measured on, per canary.
std::string describeMembership(const MembershipAuditResult& r);
std::string describeCanaries(const CanaryAuditResult& r);

/// Where a run's ROC curve for `method` is stored (read by the tradeoff view).
std::string rocArtifactPath(const std::string& storePath, long long runId, const std::string& method);

}  // namespace trustlab
