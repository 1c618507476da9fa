#include "store/run_groups.h"

#include <cmath>
#include <map>
#include <set>

#include "store/run_comparison.h"
#include "store/run_filter.h"
#include "util/text.h"

namespace trustlab {
namespace {

constexpr const char* kSeedField = "training.seed";
constexpr const char* kNoGroup = "(none)";

/// Runs with the same settings but the seed share a key: the experiment and every other setting.
std::string replicateKey(const RunRecord& r) {
  std::string key = r.experiment;
  for (const auto& [field, value] : runSettings(r))
    if (field != kSeedField) key += '\n' + field + '=' + value;
  return key;
}

/// Replicate groups are told apart by the settings (but the seed) that differ between them.
void labelReplicates(const std::vector<RunRecord>& runs, std::vector<RunGroup>& groups) {
  std::map<std::string, std::set<std::string>> values;
  std::set<std::string> experiments;
  for (const auto& g : groups) {
    const auto& first = runs[g.members.front()];
    experiments.insert(first.experiment);
    for (const auto& [field, value] : runSettings(first)) values[field].insert(value);
  }
  for (auto& g : groups) {
    const auto& first = runs[g.members.front()];
    const auto& settings = runSettings(first);
    std::vector<std::string> parts;
    if (experiments.size() > 1) parts.push_back(first.experiment);
    for (const auto& [field, seen] : values)
      if (field != kSeedField && seen.size() > 1)
        parts.push_back(field + "=" + (settings.count(field) ? settings.at(field) : std::string("—")));
    g.label = parts.empty() ? first.experiment : joinNames(parts, ", ");
  }
}

std::optional<double> numberOf(const RunRecord& r, const std::string& key) {
  if (const auto m = r.latestMetrics.find(key); m != r.latestMetrics.end())
    return std::isfinite(m->second) ? std::optional<double>(m->second) : std::nullopt;
  const auto v = runValue(r, key);
  return v ? parseFiniteNumber(*v) : std::nullopt;
}

}  // namespace

const std::vector<RunGrouping>& runGroupings() {
  static const std::vector<RunGrouping> groupings = {
      {"experiment", "Experiment or sweep"},
      {kGroupByReplicates, "Replicates (same settings, any seed)"},
      {"model.type", "Model"},
      {"privacy.mode", "Privacy mode"},
      {"data.dataset", "Dataset"},
      {"status", "Status"},
  };
  return groupings;
}

std::vector<RunGroup> groupRuns(const std::vector<RunRecord>& runs, const std::string& key) {
  std::vector<RunGroup> groups;
  std::map<std::string, size_t> index;
  RunGroup without{kNoGroup, {}};
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto value = key == kGroupByReplicates ? std::optional(replicateKey(runs[i])) : runValue(runs[i], key);
    if (!value) {
      without.members.push_back(i);
      continue;
    }
    const auto [it, added] = index.emplace(*value, groups.size());
    if (added) groups.push_back({*value, {}});
    groups[it->second].members.push_back(i);
  }
  if (key == kGroupByReplicates) labelReplicates(runs, groups);
  if (!without.members.empty()) groups.push_back(std::move(without));
  return groups;
}

GroupValue groupValue(const std::vector<RunRecord>& runs, const RunGroup& group, const std::string& key) {
  GroupValue out;
  std::vector<double> numbers;
  std::set<std::string> texts;
  bool numeric = true;  // a NaN or infinite value is a number without a place in the mean
  for (size_t i : group.members) {
    const auto text = runValue(runs[i], key);
    if (!text) continue;
    ++out.count;
    texts.insert(*text);
    if (const auto x = numberOf(runs[i], key)) numbers.push_back(*x);
    else numeric = numeric && parseNumber(*text).has_value();
  }
  if (numeric && !numbers.empty()) {
    double sum = 0, squares = 0;
    for (double x : numbers) sum += x;
    const double mean = sum / double(numbers.size());
    for (double x : numbers) squares += (x - mean) * (x - mean);
    out.mean = mean;
    out.std = numbers.size() > 1 ? std::sqrt(squares / double(numbers.size() - 1)) : 0.0;
    out.count = numbers.size();
  } else if (out.count > 0) {
    out.text = texts.size() == 1 ? *texts.begin() : std::to_string(texts.size()) + " values";
  }
  return out;
}

}  // namespace trustlab
