// views: the export dialog: where, which formats, and the figure size in cm/mm/in/pt with
// presets for common paper columns.
#pragma once
#include <QDialog>

#include "plot_exporter.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace trustlab {

class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ExportDialog(const QString& plotTitle, QWidget* parent = nullptr);
  ExportRequest request() const;

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

}  // namespace trustlab
