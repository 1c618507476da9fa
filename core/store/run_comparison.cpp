#include "store/run_comparison.h"

#include <nlohmann/json.hpp>
#include <set>

namespace trustlab {
namespace {

/// "training.lr" → "0.001": a stored spec's leaves (text without quotes); empty when unreadable.
void flatten(const nlohmann::json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
    return;
  }
  out[prefix] = j.is_string() ? j.get<std::string>() : j.dump();
}

std::map<std::string, std::string> settingsOf(const RunRecord& r) {
  std::map<std::string, std::string> out;
  const auto spec = nlohmann::json::parse(r.specJson, nullptr, false);
  if (!spec.is_discarded()) flatten(spec, "", out);
  return out;
}

}  // namespace

RunComparison compareRuns(const std::vector<RunRecord>& runs) {
  RunComparison c;
  std::set<std::string> fields, metrics;
  std::vector<std::map<std::string, std::string>> settings;
  for (const auto& r : runs) {
    c.runs.push_back(r.id);
    settings.push_back(settingsOf(r));
    for (const auto& [k, v] : settings.back()) fields.insert(k);
    for (const auto& [k, v] : r.latestMetrics) metrics.insert(k);
  }
  for (const auto& key : fields) {
    std::vector<std::optional<std::string>> values;
    for (const auto& s : settings) {
      const auto it = s.find(key);
      values.push_back(it == s.end() ? std::nullopt : std::optional<std::string>(it->second));
    }
    bool same = true;
    for (const auto& v : values) same = same && v && v == values.front();
    if (same) ++c.sameSettings;
    else c.differingSettings[key] = std::move(values);
  }
  for (const auto& key : metrics)
    for (const auto& r : runs) {
      const auto it = r.latestMetrics.find(key);
      c.metrics[key].push_back(it == r.latestMetrics.end() ? std::nullopt : std::optional<double>(it->second));
    }
  return c;
}

}  // namespace trustlab
