#include "interop/tensorboard_export.h"

#include <cstring>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "interop/export_files.h"
#include "store/run_groups.h"
#include "util/crc32c.h"
#include "util/text.h"

namespace trustlab {
namespace {

namespace fs = std::filesystem;

// Protocol-buffer wire format, just what an Event needs (tensorflow/core/util/event.proto,
// tensorflow/core/framework/summary.proto): varints, 64- and 32-bit fixed, length-delimited.
void varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += char((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += char(v);
}
void key(std::string& out, int field, int wireType) { varint(out, uint64_t(field) << 3 | uint64_t(wireType)); }
void varintField(std::string& out, int field, uint64_t value) {
  key(out, field, 0);
  varint(out, value);
}
void bytesField(std::string& out, int field, const std::string& bytes) {
  key(out, field, 2);
  varint(out, bytes.size());
  out += bytes;
}
template <typename T>
void fixedField(std::string& out, int field, T value) {  // little-endian, as x86 and ARM store it
  key(out, field, sizeof(T) == 8 ? 1 : 5);
  char raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));
  out.append(raw, sizeof(T));
}

/// Event{wall_time = 1, step = 2, file_version = 3 | summary = 5}.
std::string event(double wallTime, long step, int payloadField, const std::string& payload) {
  std::string e;
  fixedField(e, 1, wallTime);
  varintField(e, 2, uint64_t(step));
  bytesField(e, payloadField, payload);
  return e;
}

/// Summary{value = 1: Value{tag = 1, simple_value = 2}}.
std::string scalarSummary(const std::string& tag, double value) {
  std::string v;
  bytesField(v, 1, tag);
  fixedField(v, 2, float(value));
  std::string summary;
  bytesField(summary, 1, v);
  return summary;
}

/// Summary{value = 1: Value{tag = 1, metadata = 9: SummaryMetadata{plugin_data = 1: PluginData{
/// plugin_name = 1, content = 2 (when given)}}, tensor = 8 (when given)}}: a plugin's summary.
std::string pluginSummary(const std::string& tag, const std::string& plugin, const std::string& content,
                          const std::string& tensor) {
  std::string pluginData, metadata, v, summary;
  bytesField(pluginData, 1, plugin);
  if (!content.empty()) bytesField(pluginData, 2, content);
  bytesField(metadata, 1, pluginData);
  bytesField(v, 1, tag);
  bytesField(v, 9, metadata);
  if (!tensor.empty()) bytesField(v, 8, tensor);
  bytesField(summary, 1, v);
  return summary;
}

/// The Text dashboard's summary: tensor TensorProto{dtype = 1: DT_STRING (7), string_val = 8}.
std::string textSummary(const std::string& tag, const std::string& markdown) {
  std::string tensor;
  varintField(tensor, 1, 7);
  bytesField(tensor, 8, markdown);
  return pluginSummary(tag, "text", {}, tensor);
}

// HParams (tensorboard/plugins/hparams/plugin_data.proto and api.proto): a summary value with
// no payload but SummaryMetadata{plugin_data = 1: {plugin_name = 1: "hparams", content = 2:
// HParamsPluginData}}, as TensorBoard's own hparams writer makes (its loader adds the tensor).

/// A param's type over every run exported: TensorBoard's DataType numbers.
enum class HParamType { String = 1, Bool = 2, Number = 3 };

std::map<std::string, HParamType> hparamTypes(const std::vector<RunRecord>& runs) {
  std::map<std::string, HParamType> types;
  for (const auto& r : runs)
    for (const auto& [k, v] : r.params) {
      const HParamType mine = parseFiniteNumber(v) ? HParamType::Number
                              : v == "true" || v == "false" ? HParamType::Bool
                                                            : HParamType::String;
      const auto [it, added] = types.emplace(k, mine);
      if (!added && it->second != mine) it->second = HParamType::String;  // mixed: shown as text
    }
  return types;
}

/// google.protobuf.Value{number_value = 2 | string_value = 3 | bool_value = 4}.
std::string protoValue(const std::string& text, HParamType type) {
  std::string v;
  if (type == HParamType::Number) {
    fixedField(v, 2, *parseFiniteNumber(text));
  } else if (type == HParamType::Bool) {
    varintField(v, 4, text == "true");
  } else {
    bytesField(v, 3, text);
  }
  return v;
}

/// HParamInfo{name = 1, type = 4, domain_discrete = 5: ListValue{values = 1} | domain_interval = 6:
/// Interval{min_value = 1, max_value = 2}}: the values the runs took, for the view's filters.
std::string hparamInfo(const std::string& name, HParamType type, const std::vector<RunRecord>& runs) {
  std::set<std::string> seen;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& r : runs)
    if (const auto it = r.params.find(name); it != r.params.end()) {
      seen.insert(it->second);
      if (type == HParamType::Number) {
        const double x = *parseFiniteNumber(it->second);
        lo = std::min(lo, x), hi = std::max(hi, x);
      }
    }
  std::string info, domain;
  bytesField(info, 1, name);
  varintField(info, 4, uint64_t(type));
  if (type == HParamType::Number) {
    fixedField(domain, 1, lo);
    fixedField(domain, 2, hi);
    bytesField(info, 6, domain);
  } else {
    for (const auto& value : seen) bytesField(domain, 1, protoValue(value, type));
    bytesField(info, 5, domain);
  }
  return info;
}

/// A summary with no payload carrying HParamsPluginData{version = 1: 0, `field`: message}.
std::string hparamsSummary(const std::string& tag, int field, const std::string& message) {
  std::string content;
  varintField(content, 1, 0);
  bytesField(content, field, message);
  return pluginSummary(tag, "hparams", content, {});
}

/// Experiment{description = 1, time_created_secs = 3, hparam_infos = 4, metric_infos = 5:
/// MetricInfo{name = 1: MetricName{group = 1: "", tag = 2}}}: recorded in the log folder's own run.
std::string experimentSummary(const std::vector<RunRecord>& runs, const std::map<std::string, HParamType>& types,
                              const std::set<std::string>& metrics) {
  std::string e;
  bytesField(e, 1, "TrustLab runs: the params of each run and its logged metrics");
  double created = INFINITY;
  for (const auto& r : runs) created = std::min(created, r.startTime);
  fixedField(e, 3, runs.empty() ? 0.0 : created);
  for (const auto& [name, type] : types) bytesField(e, 4, hparamInfo(name, type, runs));
  for (const auto& metric : metrics) {
    std::string name, info;
    bytesField(name, 1, "");
    bytesField(name, 2, metric);
    bytesField(info, 1, name);
    bytesField(e, 5, info);
  }
  return hparamsSummary("_hparams_/experiment", 2, e);
}

/// SessionStartInfo{hparams = 1: map entries {key = 1, value = 2}, group_name = 4,
/// start_time_secs = 5}. Replicates (same settings, other seed) share a group, which the view
/// shows as one row with metrics averaged.
std::string sessionStart(const RunRecord& r, const std::map<std::string, HParamType>& types, const std::string& group) {
  std::string s;
  for (const auto& [k, v] : r.params) {
    std::string entry;
    bytesField(entry, 1, k);
    bytesField(entry, 2, protoValue(v, types.at(k)));
    bytesField(s, 1, entry);
  }
  bytesField(s, 4, group);
  fixedField(s, 5, r.startTime);
  return hparamsSummary("_hparams_/session_start_info", 3, s);
}

/// SessionEndInfo{status = 1: Status (1 success, 2 failure, 3 running; 0 unknown: a stopped run),
/// end_time_secs = 2}.
std::string sessionEnd(const RunRecord& r) {
  const int status = r.status == "finished" ? 1 : r.status == "failed" ? 2 : r.status == "running" ? 3 : 0;
  std::string s;
  varintField(s, 1, uint64_t(status));
  fixedField(s, 2, r.endTime);
  return hparamsSummary("_hparams_/session_end_info", 4, s);
}

/// TFRecord framing: length, masked CRC of the length, the record, masked CRC of the record.
void frame(std::string& out, const std::string& record) {
  const uint64_t length = record.size();
  char header[8];
  std::memcpy(header, &length, 8);
  const uint32_t lengthCrc = maskedCrc32c(header, 8), dataCrc = maskedCrc32c(record.data(), record.size());
  out.append(header, 8);
  out.append(reinterpret_cast<const char*>(&lengthCrc), 4);
  out += record;
  out.append(reinterpret_cast<const char*>(&dataCrc), 4);
}

std::string paramsMarkdown(const RunRecord& r) {
  std::string md = "| param | value |\n|---|---|\n";
  for (const auto& [k, v] : r.params) md += "| " + k + " | " + v + " |\n";
  return md;
}

/// "<id>-<name>" with what a folder name should not hold replaced.
std::string runFolder(const RunRecord& r) {
  std::string name = std::to_string(r.id) + "-" + r.name;
  for (auto& c : name)
    if (c == '/' || c == '\\' || c == ' ' || c == ':' || c == '*' || c == '?') c = '_';
  return name;
}

}  // namespace

InteropExport exportToTensorBoard(const RunStore& store, std::vector<long long> runIds, const std::string& dir) {
  const auto runs = runsToExport(store, runIds);
  const auto types = hparamTypes(runs);
  std::vector<std::string> groupOf(runs.size());
  for (const auto& g : groupRuns(runs, kGroupByReplicates))
    for (size_t i : g.members) groupOf[i] = g.label;
  InteropExport out;
  std::set<std::string> metrics;
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    std::string file;
    frame(file, event(r.startTime, 0, 3, "brain.Event:2"));
    frame(file, event(r.startTime, 0, 5, textSummary("params", paramsMarkdown(r))));
    frame(file, event(r.startTime, 0, 5, sessionStart(r, types, groupOf[i])));
    long lastStep = 0;
    for (const auto& k : store.metricKeys(r.id)) {
      metrics.insert(k);
      for (const auto& p : store.metricHistory(r.id, k)) {
        frame(file, event(p.time, p.step, 5, scalarSummary(k, p.value)));
        lastStep = std::max(lastStep, long(p.step));
        ++out.metricPoints;
      }
    }
    frame(file, event(std::max(r.endTime, r.startTime), lastStep, 5, sessionEnd(r)));
    const fs::path folder = fs::absolute(dir) / runFolder(r);
    writeExportFile(folder / ("events.out.tfevents." + std::to_string(long(r.startTime)) + ".trustlab"), file);
    out.runs.push_back(folder.string());
  }
  // One experiment for the folder, in its own run ("."), named so that a later export replaces it.
  std::string experiment;
  frame(experiment, event(runs.empty() ? 0.0 : runs.front().startTime, 0, 3, "brain.Event:2"));
  frame(experiment, event(runs.empty() ? 0.0 : runs.front().startTime, 0, 5, experimentSummary(runs, types, metrics)));
  writeExportFile(fs::absolute(dir) / "events.out.tfevents.0.trustlab-experiment", experiment);
  return out;
}

}  // namespace trustlab
