#include "studies/run_table.h"

#include <algorithm>
#include <cmath>

#include "data/loaders/loaders.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

std::vector<std::string> RunTable::text(const std::string& column) const {
  const auto at = std::find(columns.begin(), columns.end(), column);
  if (at == columns.end()) throw InputError(kRunTableFile, "has no column '" + column + "'");
  std::vector<std::string> out;
  for (const auto& row : rows) out.push_back(row[size_t(at - columns.begin())]);
  return out;
}

std::vector<double> RunTable::numbers(const std::string& column) const {
  std::vector<double> out;
  for (const auto& cell : text(column)) out.push_back(parseFiniteNumber(cell).value_or(std::nan("")));
  return out;
}

std::vector<std::string> RunTable::numericColumns() const {
  std::vector<std::string> out;
  for (const auto& c : columns) {
    const auto v = numbers(c);
    if (std::count_if(v.begin(), v.end(), [](double x) { return std::isfinite(x); }) >= 3) out.push_back(c);
  }
  return out;
}

RunTable readRunTable(const std::string& path) {
  const auto records = parseCsv(readFile(path), path);
  if (records.empty()) throw InputError(path, "is empty: expected a header and one row per run");
  RunTable t;
  t.columns = records.front().fields;
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].fields.size() != t.columns.size())
      throw InputError(path, "has " + std::to_string(records[r].fields.size()) + " fields, the header " +
                                 std::to_string(t.columns.size()), records[r].line);
    t.rows.push_back(records[r].fields);
  }
  return t;
}

}  // namespace trustlab
