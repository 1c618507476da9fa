// core/audits: how a membership audit reads: the CLI's JSON and a few human lines.
#pragma once
#include <string>

#include "audits/membership_audit.h"

namespace trustlab {

/// method, auc, tpr_at_0.1pct_fpr, tpr_at_1pct_fpr, advantage, epsilon_lower_bound, …; with the ROC
/// curve when `withRoc` (the stored artifact the tradeoff view draws).
std::string membershipJson(const MembershipAuditResult& r, bool withRoc, int indent = -1);
/// The metrics and what they were measured on.
std::string describeMembership(const MembershipAuditResult& r);

}  // namespace trustlab
