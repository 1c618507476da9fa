// core/spec: legal but dubious choices, said before a run starts (the designer marks the field,
// the CLI prints them): a budget too large to protect anyone, a δ no smaller than 1/N, a client
// selection and aggregation pair that counts heavy clients twice.
#pragma once
#include <vector>

#include "config/fields.h"

namespace trustlab {

struct ExperimentSpec;

/// Warnings, each naming its field. `trainExamples` (N), when known, checks δ against 1/N;
/// without it δ is checked against 10⁻³ (1/N for a thousand examples).
std::vector<SpecIssue> specWarnings(const ExperimentSpec& spec, long trainExamples = 0);

}  // namespace trustlab
