// core/audits: how a WEAT/SEAT audit reads: the CLI's JSON and one human line.
#pragma once
#include <string>

#include "audits/weat_audit.h"

namespace trustlab {

/// test, targets, attributes, effect_size, p_value, statistic, exact, partitions, dropped.
std::string weatJson(const EmbeddingWeatReport& r, int indent = -1);
/// "WEAT <test>: its sets, d, p and how p was found".
std::string describeWeat(const EmbeddingWeatReport& r);

}  // namespace trustlab
