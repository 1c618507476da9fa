#include "interop/tensorboard_export.h"

#include <cstring>
#include <map>

#include "interop/export_files.h"
#include "util/crc32c.h"

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
  key(e, 2, 0);
  varint(e, uint64_t(step));
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

/// Summary{Value{tag, metadata = 9: {plugin_data = 1: {plugin_name = 1: "text"}}, tensor = 8:
/// TensorProto{dtype = 1: DT_STRING (7), string_val = 8}}}: what the Text dashboard shows.
std::string textSummary(const std::string& tag, const std::string& markdown) {
  std::string pluginData, metadata, tensor, v, summary;
  bytesField(pluginData, 1, "text");
  bytesField(metadata, 1, pluginData);
  key(tensor, 1, 0);
  varint(tensor, 7);
  bytesField(tensor, 8, markdown);
  bytesField(v, 1, tag);
  bytesField(v, 9, metadata);
  bytesField(v, 8, tensor);
  bytesField(summary, 1, v);
  return summary;
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
  InteropExport out;
  for (const auto& r : runs) {
    std::string file;
    frame(file, event(r.startTime, 0, 3, "brain.Event:2"));
    frame(file, event(r.startTime, 0, 5, textSummary("params", paramsMarkdown(r))));
    for (const auto& k : store.metricKeys(r.id))
      for (const auto& p : store.metricHistory(r.id, k)) {
        frame(file, event(p.time, p.step, 5, scalarSummary(k, p.value)));
        ++out.metricPoints;
      }
    const fs::path folder = fs::absolute(dir) / runFolder(r);
    writeExportFile(folder / ("events.out.tfevents." + std::to_string(long(r.startTime)) + ".trustlab"), file);
    out.runs.push_back(folder.string());
  }
  return out;
}

}  // namespace trustlab
