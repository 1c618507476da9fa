// views: a table widget's header and cells (the plain text, as shown) written as RFC 4180 CSV.
#pragma once
#include <QString>

class QTableWidget;

namespace trustlab {

/// Returns false when the file cannot be written.
bool writeTableCsv(const QString& path, const QTableWidget* table);

}  // namespace trustlab
