#include "table_text.h"

#include <QFile>
#include <QStringList>
#include <QTableWidget>
#include <stdexcept>

namespace trustlab {

QString writeTableCsv(const QString& path, const QTableWidget* table) {
  QFile f(path);
  const auto fail = [&] { throw std::runtime_error(path.toStdString() + ": cannot write: " + f.errorString().toStdString()); };
  if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) fail();
  const auto quote = [](QString s) { return "\"" + s.replace("\"", "\"\"") + "\""; };
  for (int r = -1; r < table->rowCount(); ++r) {
    QStringList cells;
    for (int c = 0; c < table->columnCount(); ++c) {
      const auto* item = r < 0 ? table->horizontalHeaderItem(c) : table->item(r, c);
      cells << quote(item ? item->text() : QString());
    }
    if (f.write((cells.join(',') + "\n").toUtf8()) < 0) fail();
  }
  if (!f.flush()) fail();  // a full disk shows here
  return path;
}

bool rowContains(const QTableWidget* table, int row, const QString& needle) {
  if (needle.isEmpty()) return true;
  for (int c = 0; c < table->columnCount(); ++c)
    if (table->item(row, c) && table->item(row, c)->text().contains(needle, Qt::CaseInsensitive)) return true;
  return false;
}

}  // namespace trustlab
