#include "store/run_comparison.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <mutex>
#include <set>
#include <unordered_map>

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

}  // namespace

const std::map<std::string, std::string>& runSettings(const RunRecord& r) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::map<std::string, std::string>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  const std::string key = r.specSha256.empty() ? r.specJson : r.specSha256;
  if (const auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() > 100000) cache.clear();  // bounded; entries are rebuilt on demand
  std::map<std::string, std::string> out;
  const auto spec = nlohmann::json::parse(r.specJson, nullptr, false);
  if (!spec.is_discarded()) flatten(spec, "", out);
  return cache.emplace(key, std::move(out)).first->second;
}

RunComparison compareRuns(const std::vector<RunRecord>& runs) {
  RunComparison c;
  std::set<std::string> fields, metrics;
  std::vector<std::map<std::string, std::string>> settings;
  for (const auto& r : runs) {
    c.runs.push_back(r.id);
    settings.push_back(runSettings(r));
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

SettingColours colourBySetting(const RunComparison& comparison, const std::string& setting) {
  SettingColours out;
  const auto it = comparison.differingSettings.find(setting);
  if (it == comparison.differingSettings.end()) return out;
  for (const auto& v : it->second) {
    const std::string value = v.value_or("(none)");
    const auto at = std::find(out.values.begin(), out.values.end(), value);
    out.index.push_back(int(at - out.values.begin()));
    if (at == out.values.end()) out.values.push_back(value);
  }
  return out;
}

}  // namespace trustlab
