// core/audits: how a CEAT result reads: the CLI's JSON and one human line (for stored runs and
// for the language models `fairness ceat` trains or reads).
#pragma once
#include <string>

#include "fairness/weat.h"

namespace trustlab {

/// test, sets, combined_effect_size, se, z, p_value (one-sided), p_value_two_sided, tau2, q,
/// samples, missing.
std::string ceatJson(const WeatTest& test, const CeatResult& result, int indent = -1);
/// "CEAT <test> (X vs Y / A vs B), n samples: combined effect size …".
std::string describeCeat(const WeatTest& test, const CeatResult& result);

}  // namespace trustlab
