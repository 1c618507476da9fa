// views: the plain text of table widgets (as shown): written as RFC 4180 CSV, and searched by the
// filter boxes above the tables; numeric cells made one way; and the one way views write a text file.
#pragma once
#include <QByteArray>
#include <QString>

class QTableWidget;
class QTableWidgetItem;

namespace trustlab {

/// Returns `path`; throws std::runtime_error naming it and the reason when it cannot be written.
QString writeTableCsv(const QString& path, const QTableWidget* table);
/// Writes `content` to `path`; throws std::runtime_error naming the file and the reason.
QString writeTextFile(const QString& path, const QByteArray& content);
/// A cell holding a number (it sorts as one): three decimals, or three significant digits when
/// small (p-values); "–" when not finite.
QTableWidgetItem* numberItem(double v);
/// Whether any cell of `row` contains `needle` (case-insensitive; an empty needle matches).
bool rowContains(const QTableWidget* table, int row, const QString& needle);

}  // namespace trustlab
