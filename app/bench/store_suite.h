// trustlab-bench store: how fast a big run store opens and filters, as the run table does it:
// read every run with its latest metrics, params and tags, then evaluate a filter expression.
#pragma once
#include <string>
#include <vector>

namespace trustlab::bench {

int storeSuite(const std::vector<std::string>& argv);

}  // namespace trustlab::bench
