// views: the export dialog: where, which formats, and the figure size in cm/mm/in/pt with
// presets for common paper columns; and the one way every view exports (ask, write, report).
#pragma once
#include <QDialog>
#include <functional>

#include "plot_exporter.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace trustlab {

/// A dialog that accepts only a target it can write to: a missing folder is created, one that
/// cannot be (a file in the way, no permission) is refused with a message naming it and why.
class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ExportDialog(const QString& plotTitle, QWidget* parent = nullptr);
  ExportRequest request() const;
  void setBasePath(const QString& basePath);

 public Q_SLOTS:
  void accept() override;

 private:
  void applyPreset(int index);
  double toPoints(double v) const;
  QLineEdit* path_;
  QComboBox* preset_;
  QComboBox* unit_;
  QDoubleSpinBox* width_;
  QDoubleSpinBox* height_;
  QCheckBox *pdf_, *svg_, *png_, *csv_, *tex_;
};

/// Writes the files of an export for a request (a view's exportAll, or one plot's).
using ExportWriter = std::function<QStringList(const ExportRequest&)>;

/// Runs `write` and reports in a non-modal box: the files written, or the file that failed and
/// why. Never throws; returns whether everything was written.
bool runExport(QWidget* parent, const ExportRequest& request, const ExportWriter& write);

/// Asks where and at what size (ExportDialog), then runExport.
void exportWithDialog(QWidget* parent, const QString& title, const ExportWriter& write);

}  // namespace trustlab
