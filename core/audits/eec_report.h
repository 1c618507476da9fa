// core/audits: how an EEC probe reads: the CLI's JSON and the human lines.
#pragma once
#include <string>

#include "audits/eec_audit.h"

namespace trustlab {

/// positive_label, overall and by_emotion: pairs, mean_difference, t, p_value.
std::string eecJson(const EecAuditReport& r, int indent = -1);
/// The overall female − male gap and one line per emotion.
std::string describeEec(const EecAuditReport& r);

}  // namespace trustlab
