// trustlab-bench fl: speed of a federated round against training the same number of examples
// centrally with the same step code, on a synthetic population (clients are index lists).
#pragma once
#include <string>
#include <vector>

namespace trustlab::bench {

int flSuite(const std::vector<std::string>& argv);

}  // namespace trustlab::bench
