// core/audits: how a fairness audit reads: the CLI's JSON (every estimate with its 95 % interval,
// the groups and the kept counterfactual pairs) and the human summary.
#pragma once
#include <string>

#include "audits/fairness_audit.h"

namespace trustlab {

std::string fairnessJson(const ClassifierFairnessReport& r, int indent = -1);
std::string describeFairness(const ClassifierFairnessReport& r);

}  // namespace trustlab
