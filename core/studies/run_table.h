// core/studies: the per-run table a study writes beside its report (runs.csv: one row per run,
// its settings, then every metric), read back so that a front end can correlate and plot any
// pair of its columns.
#pragma once
#include <string>
#include <vector>

namespace trustlab {

struct RunTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  ///< each as long as columns

  /// The column's values as numbers (NaN where a cell is not one: "—", empty).
  std::vector<double> numbers(const std::string& column) const;
  /// The column's cells as written; InputError naming it when the table has no such column.
  std::vector<std::string> text(const std::string& column) const;
  /// The columns with at least three numeric cells, in table order.
  std::vector<std::string> numericColumns() const;
};

/// The study's file name for it.
inline constexpr char kRunTableFile[] = "runs.csv";

/// Reads a runs.csv; InputError naming the file and line for a malformed one.
RunTable readRunTable(const std::string& path);

}  // namespace trustlab
