#include "sweep_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "audits/audit.h"
#include "audits/canary_audit.h"
#include "audits/membership_audit.h"
#include "spec/spec_fields.h"
#include "util/errors.h"

namespace trustlab {
namespace {

enum Column { FieldColumn, ValuesColumn, LogColumn };

bool toNumber(const QString& text, double& out) {
  bool ok = false;
  out = text.trimmed().toDouble(&ok);
  return ok;
}

}  // namespace

SweepAxis parseSweepAxis(const SweepAxisText& row, bool random) {
  const std::string field = row.field.toStdString();
  const QString text = row.values.trimmed();
  if (text.isEmpty()) throw InputError("grid." + field, "give values (a, b, c)" + std::string(random ? " or a range (low .. high)" : ""));
  SweepAxis axis{field, {}, std::nullopt, row.logScale};
  if (random && text.contains("..")) {
    const auto parts = text.split("..");
    double lo = 0, hi = 0;
    if (parts.size() != 2 || !toNumber(parts[0], lo) || !toNumber(parts[1], hi))
      throw InputError("random.ranges." + field, "a range is two numbers: low .. high");
    axis.range = std::pair{lo, hi};
    return axis;
  }
  for (const auto& v : text.split(',', Qt::SkipEmptyParts)) axis.values.push_back(v.trimmed().toStdString());
  return axis;
}

std::vector<unsigned long long> parseSeeds(const QString& text) {
  std::vector<unsigned long long> seeds;
  for (const auto& s : text.split(QRegularExpression("[,\\s]+"), Qt::SkipEmptyParts)) {
    bool ok = false;
    const auto v = s.toULongLong(&ok);
    if (!ok) throw InputError("seeds", "'" + s.toStdString() + "' is not a non-negative integer");
    seeds.push_back(v);
  }
  if (seeds.empty()) throw InputError("seeds", "give at least one seed");
  return seeds;
}

QString defaultEpsilonField(const ExperimentSpec& base) {
  return base.federated.enabled ? kUserEpsilonField : kExampleEpsilonField;
}

SweepEditor::SweepEditor(const ExperimentSpec& base, QWidget* parent)
    : QDialog(parent),
      base_(base),
      name_(new QLineEdit(QString::fromStdString(base.name.empty() ? "sweep" : base.name))),
      seeds_(new QLineEdit("1, 2, 3")),
      search_(new QComboBox),
      samples_(new QSpinBox),
      searchSeed_(new QSpinBox),
      axes_(new QTableWidget(0, 3)),
      audits_(new QListWidget),
      summary_(new QLabel) {
  setWindowTitle(tr("New sweep"));
  setObjectName("sweepEditor");
  search_->addItems({tr("Grid: every combination"), tr("Random search")});
  samples_->setRange(1, 10000);
  samples_->setValue(10);
  searchSeed_->setRange(0, 1 << 30);
  axes_->setHorizontalHeaderLabels({tr("Field"), tr("Values (a, b, c — or low .. high for random search)"), tr("Log")});
  axes_->horizontalHeader()->setSectionResizeMode(ValuesColumn, QHeaderView::Stretch);
  axes_->verticalHeader()->hide();
  for (const auto& name : auditRegistry().names()) {
    // Membership inference and canaries follow the experiment's audit section; the others are
    // chosen here (those that need no file).
    const auto& audit = auditRegistry().at(name);
    if (name == kMembershipAudit || name == kCanaryAudit) continue;
    if (audit.argument.kind == AuditArgument::File && !audit.argument.defaultValue) continue;
    auto* item = new QListWidgetItem(QString::fromStdString(name), audits_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
  }
  audits_->setMaximumHeight(90);
  summary_->setObjectName("sweepSummary");
  summary_->setWordWrap(true);

  auto* add = new QPushButton(tr("Add axis"));
  auto* remove = new QPushButton(tr("Remove axis"));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  ok_ = buttons->button(QDialogButtonBox::Ok);
  ok_->setText(tr("Save and open…"));
  auto* form = new QFormLayout;
  form->addRow(tr("Name"), name_);
  auto* searchRow = new QHBoxLayout;
  searchRow->addWidget(search_, 1);
  searchRow->addWidget(new QLabel(tr("points")));
  searchRow->addWidget(samples_);
  searchRow->addWidget(new QLabel(tr("draw seed")));
  searchRow->addWidget(searchSeed_);
  form->addRow(tr("Search"), searchRow);
  form->addRow(tr("Seeds (replicates)"), seeds_);
  auto* axisButtons = new QHBoxLayout;
  axisButtons->addWidget(add);
  axisButtons->addWidget(remove);
  axisButtons->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(axes_, 1);
  layout->addLayout(axisButtons);
  layout->addWidget(new QLabel(tr("Audits on every point (membership inference and canaries follow the "
                                  "experiment's Audit section):")));
  layout->addWidget(audits_);
  layout->addWidget(summary_);
  layout->addWidget(buttons);
  resize(720, 520);

  connect(add, &QPushButton::clicked, this, [this] { addAxis({"training.lr", "1e-3, 3e-3", false}); });
  connect(remove, &QPushButton::clicked, this, [this] {
    if (axes_->currentRow() >= 0) axes_->removeRow(axes_->currentRow());
    update();
  });
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  for (auto* edit : {name_, seeds_}) connect(edit, &QLineEdit::textChanged, this, &SweepEditor::update);
  connect(search_, qOverload<int>(&QComboBox::currentIndexChanged), this, &SweepEditor::update);
  connect(samples_, qOverload<int>(&QSpinBox::valueChanged), this, &SweepEditor::update);
  connect(searchSeed_, qOverload<int>(&QSpinBox::valueChanged), this, &SweepEditor::update);
  connect(audits_, &QListWidget::itemChanged, this, &SweepEditor::update);
  addAxis({defaultEpsilonField(base), "inf, 8, 3, 1, 0.5", false});
}

void SweepEditor::addAxis(const SweepAxisText& r) {
  const int row = axes_->rowCount();
  axes_->insertRow(row);
  auto* field = new QComboBox;
  field->setEditable(true);  // type to find among many fields
  for (const auto& f : specFields())
    if (!f.path().empty() && f.path() != "name" && f.path() != "training.seed") field->addItem(QString::fromStdString(f.path()));
  field->setCurrentText(r.field);
  auto* values = new QLineEdit(r.values);
  auto* log = new QCheckBox;
  log->setChecked(r.logScale);
  log->setToolTip(tr("Random search: draw the range log-uniformly"));
  axes_->setCellWidget(row, FieldColumn, field);
  axes_->setCellWidget(row, ValuesColumn, values);
  axes_->setCellWidget(row, LogColumn, log);
  connect(field, &QComboBox::currentTextChanged, this, &SweepEditor::update);
  connect(values, &QLineEdit::textChanged, this, &SweepEditor::update);
  connect(log, &QCheckBox::toggled, this, &SweepEditor::update);
  update();
}

void SweepEditor::clearAxes() {
  axes_->setRowCount(0);
  update();
}

SweepAxisText SweepEditor::row(int r) const {
  return {qobject_cast<QComboBox*>(axes_->cellWidget(r, FieldColumn))->currentText().trimmed(),
          qobject_cast<QLineEdit*>(axes_->cellWidget(r, ValuesColumn))->text(),
          qobject_cast<QCheckBox*>(axes_->cellWidget(r, LogColumn))->isChecked()};
}

SweepSpec SweepEditor::sweep() const {
  SweepSpec s;
  s.name = name_->text().trimmed().toStdString();
  if (s.name.empty()) throw InputError("name", "the sweep needs a name (its runs are filed under it)");
  s.base = base_;
  s.random = search_->currentIndex() == 1;
  s.samples = samples_->value();
  s.searchSeed = static_cast<unsigned long long>(searchSeed_->value());
  s.seeds = parseSeeds(seeds_->text());
  for (int r = 0; r < axes_->rowCount(); ++r) s.axes.push_back(parseSweepAxis(row(r), s.random));
  for (int i = 0; i < audits_->count(); ++i)
    if (audits_->item(i)->checkState() == Qt::Checked) s.audits.push_back(audits_->item(i)->text().toStdString());
  // Through the file format and back: exactly what the saved file will hold, validated.
  return SweepSpec::fromJson(s.toJson(), "sweep editor");
}

QString SweepEditor::summaryText() const { return summary_->text(); }

void SweepEditor::update() {
  samples_->setEnabled(search_->currentIndex() == 1);
  searchSeed_->setEnabled(search_->currentIndex() == 1);
  try {
    const auto s = sweep();
    const auto points = expandSweep(s);
    summary_->setStyleSheet({});
    summary_->setText(tr("%n run(s): %1 point(s) × %2 seed(s)", nullptr, int(points.size()))
                          .arg(points.size() / std::max<size_t>(1, s.seeds.size()))
                          .arg(s.seeds.size()));
    ok_->setEnabled(true);
  } catch (const std::exception& e) {
    summary_->setStyleSheet("color: #b00020;");
    summary_->setText(QString::fromStdString(e.what()));
    ok_->setEnabled(false);
  }
}

}  // namespace trustlab
