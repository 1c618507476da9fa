#include "table_text.h"

#include <QFile>
#include <QStringList>
#include <QTableWidget>
#include <cmath>
#include <stdexcept>

namespace trustlab {

QString writeTextFile(const QString& path, const QByteArray& content) {
  QFile f(path);
  const auto fail = [&] { throw std::runtime_error(path.toStdString() + ": cannot write: " + f.errorString().toStdString()); };
  if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) fail();
  if (f.write(content) != content.size()) fail();
  if (!f.flush()) fail();  // a full disk shows here
  return path;
}

QString writeTableCsv(const QString& path, const QTableWidget* table) {
  const auto quote = [](QString s) { return "\"" + s.replace("\"", "\"\"") + "\""; };
  QByteArray csv;
  for (int r = -1; r < table->rowCount(); ++r) {
    QStringList cells;
    for (int c = 0; c < table->columnCount(); ++c) {
      const auto* item = r < 0 ? table->horizontalHeaderItem(c) : table->item(r, c);
      cells << quote(item ? item->text() : QString());
    }
    csv += (cells.join(',') + "\n").toUtf8();
  }
  return writeTextFile(path, csv);
}

bool rowContains(const QTableWidget* table, int row, const QString& needle) {
  if (needle.isEmpty()) return true;
  for (int c = 0; c < table->columnCount(); ++c)
    if (table->item(row, c) && table->item(row, c)->text().contains(needle, Qt::CaseInsensitive)) return true;
  return false;
}

QTableWidgetItem* numberItem(double v) {
  auto* item = new QTableWidgetItem;
  const double shown = std::abs(v) >= 0.01 ? std::round(v * 1000) / 1000 : QString::number(v, 'g', 3).toDouble();
  item->setData(Qt::DisplayRole, std::isfinite(v) ? QVariant(shown) : QVariant("–"));
  return item;
}

}  // namespace trustlab
