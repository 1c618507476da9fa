// views: the plain text of table widgets (as shown): written as RFC 4180 CSV, and searched by the
// filter boxes above the tables.
#pragma once
#include <QString>

class QTableWidget;

namespace trustlab {

/// Returns `path`; throws std::runtime_error naming it and the reason when it cannot be written.
QString writeTableCsv(const QString& path, const QTableWidget* table);
/// Whether any cell of `row` contains `needle` (case-insensitive; an empty needle matches).
bool rowContains(const QTableWidget* table, int row, const QString& needle);

}  // namespace trustlab
