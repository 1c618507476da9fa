#include "export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>

#include "message_box.h"
#include "plots/series_export.h"

namespace trustlab {
namespace {
struct Preset {
  const char* name;
  double widthCm, heightCm;
};
// Column widths of common venues (ACL/IEEE single column ≈ 8.5 cm; two-column span ≈ 17.8 cm).
const Preset kPresets[] = {{"Single column (8.5 × 6 cm)", 8.5, 6},
                           {"Double column (17.8 × 7 cm)", 17.8, 7},
                           {"Slide (12 × 8 cm)", 12, 8},
                           {"Custom", 0, 0}};
}  // namespace

ExportDialog::ExportDialog(const QString& plotTitle, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Export plot"));
  QSettings settings;
  QString base = plotTitle.toLower();
  base.replace(QRegularExpression("[^a-z0-9]+"), "-");
  path_ = new QLineEdit(settings.value("export/folder", QDir::homePath()).toString() + "/" + base, this);
  auto* browse = new QPushButton(tr("Browse…"), this);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, tr("Export to"), path_->text());
    if (!p.isEmpty()) path_->setText(QFileInfo(p).path() + "/" + QFileInfo(p).completeBaseName());
  });
  preset_ = new QComboBox(this);
  for (const auto& p : kPresets) preset_->addItem(tr(p.name));
  unit_ = new QComboBox(this);
  unit_->addItems({"cm", "mm", "in", "pt"});
  width_ = new QDoubleSpinBox(this);
  height_ = new QDoubleSpinBox(this);
  for (auto* s : {width_, height_}) {
    s->setRange(0.1, 2000);
    s->setDecimals(2);
  }
  connect(preset_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ExportDialog::applyPreset);
  connect(unit_, &QComboBox::currentTextChanged, this, [this] { applyPreset(preset_->currentIndex()); });
  applyPreset(0);
  pdf_ = new QCheckBox("PDF", this);
  svg_ = new QCheckBox("SVG", this);
  png_ = new QCheckBox("PNG (300 dpi)", this);
  csv_ = new QCheckBox("CSV", this);
  tex_ = new QCheckBox("pgfplots .tex", this);
  auto* formats = new QHBoxLayout;
  for (auto* c : {pdf_, svg_, png_, csv_, tex_}) {
    c->setChecked(true);
    formats->addWidget(c);
  }
  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(browse);
  auto* sizeRow = new QHBoxLayout;
  sizeRow->addWidget(width_);
  sizeRow->addWidget(new QLabel("×", this));
  sizeRow->addWidget(height_);
  sizeRow->addWidget(unit_);
  auto* form = new QFormLayout(this);
  form->addRow(tr("File (no extension)"), pathRow);
  form->addRow(tr("Preset"), preset_);
  form->addRow(tr("Size"), sizeRow);
  form->addRow(tr("Formats"), formats);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
}

void ExportDialog::setBasePath(const QString& basePath) { path_->setText(basePath); }

void ExportDialog::accept() {
  try {
    makeExportFolder(path_->text());
  } catch (const std::exception& e) {
    showError(this, tr("Cannot export there"), QString::fromStdString(e.what()));
    return;  // the dialog stays open for another folder
  }
  QSettings().setValue("export/folder", QFileInfo(path_->text()).path());
  QDialog::accept();
}

void ExportDialog::applyPreset(int index) {
  const auto& p = kPresets[index];
  if (p.widthCm <= 0) return;
  const double perCm = 72.0 / 2.54 / toPoints(1.0);  // cm → current unit
  width_->setValue(p.widthCm * perCm);
  height_->setValue(p.heightCm * perCm);
}

double ExportDialog::toPoints(double v) const {
  // PostScript points (what QCustomPlot's PDF export uses); TeX points differ by 0.4 %.
  return toTexPoints(v, unit_->currentText().toStdString()) * 72.0 / 72.27;
}

ExportRequest ExportDialog::request() const {
  ExportRequest r;
  r.basePath = path_->text();
  r.widthPt = toPoints(width_->value());
  r.heightPt = toPoints(height_->value());
  r.pdf = pdf_->isChecked();
  r.svg = svg_->isChecked();
  r.png = png_->isChecked();
  r.csv = csv_->isChecked();
  r.tex = tex_->isChecked();
  return r;
}

bool runExport(QWidget* parent, const ExportRequest& request, const ExportWriter& write) {
  try {
    const QStringList written = write(request);
    showInfo(parent, QObject::tr("Export"), QObject::tr("Wrote:\n%1").arg(written.join('\n')));
    return true;
  } catch (const std::exception& e) {
    showError(parent, QObject::tr("Export failed"), QString::fromStdString(e.what()));
    return false;
  }
}

void exportWithDialog(QWidget* parent, const QString& title, const ExportWriter& write) {
  ExportDialog dialog(title, parent);
  if (dialog.exec() == QDialog::Accepted) runExport(parent, dialog.request(), write);
}

}  // namespace trustlab
