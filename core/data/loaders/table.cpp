#include <filesystem>

#include "data/loaders/json_file.h"
#include "data/loaders/loaders.h"
#include "util/errors.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace trustlab {

std::vector<CsvRecord> parseCsv(const std::string& text, const std::string& path) {
  std::vector<CsvRecord> records;
  CsvRecord cur{1, {}};
  std::string field;
  bool quoted = false, fieldStarted = false;
  long line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') { field.push_back('"'); ++i; }
        else quoted = false;
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !fieldStarted) { quoted = true; fieldStarted = true; }
    else if (c == ',') { cur.fields.push_back(std::move(field)); field.clear(); fieldStarted = false; }
    else if (c == '\r') {}
    else if (c == '\n') {
      cur.fields.push_back(std::move(field));
      field.clear();
      fieldStarted = false;
      if (!(cur.fields.size() == 1 && cur.fields[0].empty())) records.push_back(std::move(cur));
      cur = CsvRecord{++line, {}};
    } else { field.push_back(c); fieldStarted = true; }
  }
  if (quoted) throw InputError(path, "unterminated quoted field", cur.line);
  if (fieldStarted || !cur.fields.empty()) {
    cur.fields.push_back(std::move(field));
    records.push_back(std::move(cur));
  }
  return records;
}

namespace {

std::vector<CsvRecord> parseTsv(const std::string& text) {
  std::vector<CsvRecord> records;
  long line = 0;
  for (const auto& l : split(text, '\n')) {
    ++line;
    std::string s = l;
    if (!s.empty() && s.back() == '\r') s.pop_back();
    if (s.empty()) continue;
    records.push_back({line, split(s, '\t')});
  }
  return records;
}

size_t columnIndex(const std::vector<std::string>& header, const std::vector<std::string>& candidates,
                   const std::string& path, const std::string& role) {
  for (const auto& name : candidates)
    for (size_t i = 0; i < header.size(); ++i)
      if (trim(header[i]) == name) return i;
  std::string have;
  for (const auto& h : header) have += (have.empty() ? "" : ", ") + trim(h);
  throw InputError(path, "no " + role + " column (looked for '" + candidates.front() + "'; header has " + have + ")", 1,
                   candidates.front());
}

std::vector<std::string> candidatesFor(const std::string& chosen, std::vector<std::string> defaults) {
  if (!chosen.empty()) return {chosen};
  return defaults;
}

const std::vector<std::string> kTextNames = {"text", "sentence", "utterance", "query"};
const std::vector<std::string> kLabelNames = {"label_text", "label", "category", "intent"};

/// A JSONL row's field as text; an object or array there is an error naming the field (its dump
/// would otherwise become a label or a user id).
std::string jsonScalarField(const nlohmann::json& obj, const std::string& name, const std::string& path, long line) {
  const auto& v = obj[name];
  if (v.is_structured())
    throw InputError(path, std::string("is a JSON ") + v.type_name() + "; expected a string, number or boolean", line, name);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

std::vector<Example> loadJsonl(const std::string& path, const TableColumns& cols) {
  const auto textNames = candidatesFor(cols.text, kTextNames);
  const auto labelNames = candidatesFor(cols.label, kLabelNames);
  std::vector<Example> out;
  long line = 0;
  for (const auto& raw : readLines(path)) {
    ++line;
    if (trim(raw).empty()) continue;
    const auto obj = parseJsonText(raw, path, line);
    if (!obj.is_object()) throw InputError(path, "expected a JSON object per line", line);
    auto find = [&](const std::vector<std::string>& names, const char* role) -> std::string {
      for (const auto& n : names)
        if (obj.contains(n) && !obj[n].is_null()) return jsonScalarField(obj, n, path, line);
      throw InputError(path, std::string("no ") + role + " field", line, names.front());
    };
    Example ex;
    ex.text = find(textNames, "text");
    ex.label = trim(find(labelNames, "label"));
    if (ex.label.empty()) throw InputError(path, "empty label", line, labelNames.front());
    if (obj.contains("user")) ex.user = jsonScalarField(obj, "user", path, line);
    out.push_back(std::move(ex));
  }
  return out;
}

/// A CSV or TSV file's records, the header first; every row as wide as the header (InputError
/// naming the line otherwise).
std::vector<CsvRecord> tableRecords(const std::string& path) {
  const std::string text = sanitizeUtf8(readFile(path));
  const bool tsv = endsWith(path, ".tsv") || endsWith(path, ".txt");
  const auto records = tsv ? parseTsv(text) : parseCsv(text, path);
  if (records.empty()) throw InputError(path, "empty file (expected a header row)", 1);
  const size_t width = records.front().fields.size();
  for (const auto& rec : records)
    if (rec.fields.size() != width)
      throw InputError(path, "row has " + std::to_string(rec.fields.size()) + " fields, header has " + std::to_string(width),
                       rec.line);
  return records;
}

}  // namespace

std::vector<std::string> loadTableTexts(const std::string& path, const std::string& textColumn) {
  const auto records = tableRecords(path);
  const size_t ti = columnIndex(records.front().fields, candidatesFor(textColumn, kTextNames), path, "text");
  std::vector<std::string> out;
  for (size_t r = 1; r < records.size(); ++r) out.push_back(trim(records[r].fields[ti]));
  return out;
}

std::vector<Example> loadTable(const std::string& path, const TableColumns& cols) {
  if (endsWith(path, ".jsonl") || endsWith(path, ".json")) return loadJsonl(path, cols);
  const auto records = tableRecords(path);
  const auto& header = records.front().fields;
  const size_t ti = columnIndex(header, candidatesFor(cols.text, kTextNames), path, "text");
  const size_t li = columnIndex(header, candidatesFor(cols.label, kLabelNames), path, "label");
  std::vector<Example> out;
  out.reserve(records.size());
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    Example ex;
    ex.text = trim(rec.fields[ti]);
    ex.label = trim(rec.fields[li]);
    if (ex.label.empty()) throw InputError(path, "empty label", rec.line, trim(header[li]));
    out.push_back(std::move(ex));
  }
  return out;
}

Dataset loadTableDataset(const std::string& path, const TableColumns& cols) {
  Dataset d;
  d.source = path;
  d.name = fs::path(path).stem().string();
  if (!fs::is_directory(path)) {
    if (!fs::exists(path)) throw InputError(path, "no such file or directory");
    d.train = loadTable(path, cols);
    carveMissingSplits(d);
    return d;
  }
  d.name = fs::path(path).filename().string();
  auto findSplit = [&](std::vector<std::string> stems) -> std::string {
    for (const auto& stem : stems)
      for (const char* ext : {".csv", ".tsv", ".jsonl", ".json"})
        if (fs::exists(fs::path(path) / (stem + ext))) return (fs::path(path) / (stem + ext)).string();
    return {};
  };
  const auto train = findSplit({"train"});
  if (train.empty()) throw InputError(path, "folder has no train.csv/.tsv/.jsonl");
  d.train = loadTable(train, cols);
  if (auto v = findSplit({"valid", "validation", "dev", "val"}); !v.empty()) d.valid = loadTable(v, cols);
  if (auto t = findSplit({"test"}); !t.empty()) d.test = loadTable(t, cols);
  carveMissingSplits(d);
  return d;
}

}  // namespace trustlab
