// core/audits: how a canary audit reads: the CLI's JSON and a few human lines.
#pragma once
#include <string>

#include "audits/canary_audit.h"

namespace trustlab {

/// exposure, tokens_recovered, extracted (rates over canaries) and each canary's details.
std::string canaryJson(const CanaryAuditResult& r, int indent = -1);
/// The averages, then one line per canary: what inversion gave back and its exposure.
std::string describeCanaries(const CanaryAuditResult& r);

}  // namespace trustlab
