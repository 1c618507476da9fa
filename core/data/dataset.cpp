#include "data/dataset.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "util/errors.h"
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

void splitByUser(Dataset& d, double validFraction, double testFraction, unsigned long long seed,
                 const std::string& field) {
  std::vector<Example> all;
  for (auto* split : {&d.train, &d.valid, &d.test}) {
    for (auto& e : *split) {
      if (e.user.empty()) throw InputError(field, "'" + d.name + "' has texts without a user id");
      all.push_back(std::move(e));
    }
    split->clear();
  }
  std::vector<std::string> users;
  for (const auto& e : all) users.push_back(e.user);
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  SplitMix64 rng(seed);
  shuffleDeterministic(users, rng);
  const auto share = [&](double f) { return size_t(std::floor(double(users.size()) * f + 0.5)); };
  const size_t nTest = share(testFraction), nValid = share(validFraction);
  if (nTest + nValid >= users.size() || (validFraction > 0 && nValid == 0) || (testFraction > 0 && nTest == 0))
    throw InputError(field, "'" + d.name + "' has " + std::to_string(users.size()) + " users: too few to hold some out");
  std::map<std::string, std::vector<Example>*> splitOf;
  for (size_t i = 0; i < users.size(); ++i) splitOf[users[i]] = i < nTest ? &d.test : i < nTest + nValid ? &d.valid : &d.train;
  for (auto& e : all) splitOf.at(e.user)->push_back(std::move(e));
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
