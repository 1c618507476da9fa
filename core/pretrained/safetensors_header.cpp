#include "pretrained/safetensors_header.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "util/errors.h"

namespace trustlab {
namespace {

using json = nlohmann::json;

/// Bytes per element of the dtypes the format names; 0 for one it does not.
size_t widthOf(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
  return 0;
}

uint64_t readLittleEndian64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

/// The header's entry for one tensor, checked against the data section's size.
SafetensorsEntry parseEntry(const std::string& path, const std::string& name, const json& j, size_t dataSize) {
  const auto bad = [&](const std::string& what) { return InputError(path, what, 0, name); };
  if (!j.is_object() || !j.contains("dtype") || !j["dtype"].is_string() || !j.contains("shape") ||
      !j["shape"].is_array() || !j.contains("data_offsets") || !j["data_offsets"].is_array() || j["data_offsets"].size() != 2)
    throw bad("expected {\"dtype\", \"shape\", \"data_offsets\": [begin, end]}");
  SafetensorsEntry e;
  e.dtype = j["dtype"].get<std::string>();
  const size_t width = widthOf(e.dtype);
  if (!width) throw bad("unknown dtype '" + e.dtype + "'");
  uint64_t count = 1;
  for (const auto& d : j["shape"]) {
    if (!d.is_number_unsigned()) throw bad("a shape holds non-negative integers");
    const uint64_t n = d.get<uint64_t>();
    // Checked before multiplying: a hostile shape must not overflow into a size that matches.
    if (n != 0 && count > dataSize / n) throw bad("its shape needs more bytes than the file holds");
    count *= n;
    e.shape.push_back(int64_t(n));
  }
  for (const auto& o : j["data_offsets"])
    if (!o.is_number_unsigned()) throw bad("data_offsets holds non-negative integers");
  e.begin = j["data_offsets"][0].get<size_t>();
  e.end = j["data_offsets"][1].get<size_t>();
  if (e.begin > e.end || e.end > dataSize) throw bad("its bytes lie outside the file (truncated?)");
  if (e.end - e.begin != count * width)
    throw bad("holds " + std::to_string(e.end - e.begin) + " bytes, its shape and dtype need " + std::to_string(count * width));
  return e;
}

}  // namespace

SafetensorsHeader parseSafetensorsHeader(const std::string& path, const unsigned char* bytes, size_t size) {
  if (size < 8) throw InputError(path, "not a safetensors file (shorter than its 8-byte header length)");
  const uint64_t headerSize = readLittleEndian64(bytes);
  if (headerSize > size - 8 || headerSize > 100'000'000)
    throw InputError(path, "the header length (" + std::to_string(headerSize) + " bytes) exceeds the file");
  SafetensorsHeader h;
  h.dataStart = 8 + size_t(headerSize);
  const auto header = json::parse(bytes + 8, bytes + h.dataStart, nullptr, false);
  if (!header.is_object()) throw InputError(path, "the header is not a JSON object");
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) throw InputError(path, "expected an object of strings", 0, name);
      for (const auto& [k, v] : value.items())
        if (v.is_string()) h.metadata[k] = v.get<std::string>();
      continue;
    }
    h.entries[name] = parseEntry(path, name, value, size - h.dataStart);
  }
  // No two tensors share bytes.
  std::vector<std::pair<size_t, std::string>> starts;
  for (const auto& [name, e] : h.entries) starts.emplace_back(e.begin, name);
  std::sort(starts.begin(), starts.end());
  for (size_t i = 1; i < starts.size(); ++i)
    if (h.entries.at(starts[i - 1].second).end > starts[i].first && h.entries.at(starts[i].second).end > starts[i].first)
      throw InputError(path, "overlaps tensor '" + starts[i - 1].second + "'", 0, starts[i].second);
  return h;
}

}  // namespace trustlab
