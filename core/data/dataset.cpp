#include "data/dataset.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "util/random.h"

namespace trustlab {

std::vector<std::string> Dataset::labels() const {
  std::set<std::string> s;
  for (const auto* split : {&train, &valid, &test})
    for (const auto& e : *split) s.insert(e.label);
  return {s.begin(), s.end()};
}

std::map<std::string, long> Dataset::labelIndex() const {
  std::map<std::string, long> m;
  long i = 0;
  for (const auto& l : labels()) m[l] = i++;
  return m;
}

void splitDeterministic(std::vector<Example> all, double validFraction, double testFraction,
                        unsigned long long seed, Dataset& out) {
  std::map<std::string, std::vector<Example>> byLabel;
  for (auto& e : all) byLabel[e.label].push_back(std::move(e));
  SplitMix64 rng(seed);
  for (auto& [label, items] : byLabel) {
    shuffleDeterministic(items, rng);
    const size_t n = items.size();
    const size_t nTest = size_t(std::floor(n * testFraction + 0.5));
    const size_t nValid = size_t(std::floor(n * validFraction + 0.5));
    for (size_t i = 0; i < n; ++i) {
      auto& dst = i < nTest ? out.test : i < nTest + nValid ? out.valid : out.train;
      dst.push_back(std::move(items[i]));
    }
  }
  // Interleave classes again so splits are not grouped by label.
  for (auto* split : {&out.train, &out.valid, &out.test}) shuffleDeterministic(*split, rng);
}

void carveMissingSplits(Dataset& d, unsigned long long seed) {
  if (!d.valid.empty() && !d.test.empty()) return;
  Dataset carved;
  splitDeterministic(std::move(d.train), d.valid.empty() ? 0.1 : 0.0, d.test.empty() ? 0.1 : 0.0,
                     seed, carved);
  d.train = std::move(carved.train);
  if (d.valid.empty()) d.valid = std::move(carved.valid);
  if (d.test.empty()) d.test = std::move(carved.test);
}

}  // namespace trustlab
