// core/spec: the name a run gets in the store when its spec does not name it: what sets it apart
// from the defaults, most telling first ("bilstm edp ε=3 lr=0.003 seed 2"), so that a run table,
// a legend or a report reads without opening each run, and short enough for a legend.
#pragma once
#include <string>

namespace trustlab {

struct ExperimentSpec;

/// spec.name when the researcher set one; otherwise the model, the privacy mode and budget, the
/// federated algorithm and partition, up to two other fields that differ from the defaults
/// ("+N more" after them) and the seed when it is not the default.
std::string defaultRunName(const ExperimentSpec& spec);

}  // namespace trustlab
