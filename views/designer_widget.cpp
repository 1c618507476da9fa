#include "designer_widget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <climits>
#include <cmath>

#include "models/model_factory.h"
#include "spec/spec_fields.h"
#include "spec/spec_warnings.h"

namespace trustlab {
namespace {

QString text(const std::string& s) { return QString::fromStdString(s); }

/// "the optimizer's step size (training.lr; (0, 10])": the tooltip of a row.
QString tooltipOf(const SpecField& f) {
  QString tip = text(f.info.help) + " (" + text(f.path());
  if (const auto domain = fieldDomain(f.info); !domain.empty()) tip += "; " + text(domain);
  return tip + ")";
}

/// The style sheet's [trustlabMark=…] rules follow a changed property only after a re-polish.
void restyle(QWidget* editor) {
  editor->style()->unpolish(editor);
  editor->style()->polish(editor);
}

int clampToInt(double v) { return int(std::max(double(INT_MIN), std::min(double(INT_MAX), v))); }

void fillChoices(QComboBox* box, const SpecField& f) {
  const QString current = box->currentText();
  const QSignalBlocker block(box);
  box->clear();
  for (const auto& item : f.info.choices()) {
    box->addItem(text(item.name));
    box->setItemData(box->count() - 1, text(item.description), Qt::ToolTipRole);
  }
  box->setCurrentText(current);
}

/// What 0 means for a number field whose note says "0 = auto: …" ("auto", "off", …); empty when
/// 0 is just a number.
QString zeroMeaning(const FieldInfo& f) {
  const std::string& note = f.rangeNote;
  if (f.range.min != 0 || f.range.minOpen || note.rfind("0 = ", 0) != 0) return {};
  return QString::fromStdString(note.substr(4)).section(':', 0, 0);
}

}  // namespace

DesignerWidget::DesignerWidget(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  QGroupBox* group = nullptr;
  QFormLayout* form = nullptr;
  for (const auto& f : specFields()) {
    if (!group || group->title() != text(f.sectionTitle)) {
      group = new QGroupBox(text(f.sectionTitle), this);
      form = new QFormLayout(group);
      // A narrow dock puts a long label above its field instead of pushing the field out of view.
      form->setRowWrapPolicy(QFormLayout::WrapLongRows);
      form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
      layout->addWidget(group);
    }
    QWidget* editor = makeEditor(f);
    editor->setObjectName(text(f.path()));
    editor->setToolTip(tooltipOf(f));
    QWidget* rowWidget = editor;
    if (f.info.path) {  // a path: the editor and a browse button
      rowWidget = new QWidget(group);
      auto* h = new QHBoxLayout(rowWidget);
      h->setContentsMargins(0, 0, 0, 0);
      auto* browse = new QToolButton(rowWidget);
      browse->setText("…");
      browse->setToolTip(tr("Choose a file"));
      h->addWidget(editor, 1);
      h->addWidget(browse);
      auto* box = qobject_cast<QComboBox*>(editor);
      const bool folder = f.info.folder;
      if (folder) browse->setToolTip(tr("Choose a folder"));
      connect(browse, &QToolButton::clicked, this, [this, box, editor, folder] {
        const QString p = folder ? QFileDialog::getExistingDirectory(this, tr("Choose a folder"))
                                 : QFileDialog::getOpenFileName(this, tr("Choose a file"));
        if (p.isEmpty()) return;
        if (box) box->setCurrentText(p);
        else if (auto* line = qobject_cast<QLineEdit*>(editor)) line->setText(p);
      });
    }
    if (auto* box = qobject_cast<QCheckBox*>(editor)) {
      box->setText(text(f.info.label));  // a switch reads as one line: "☑ Lowercase"
      form->addRow(rowWidget);
    } else {
      form->addRow(text(f.info.label), rowWidget);
    }
    rows_.push_back({&f, editor, rowWidget, form, group});
  }

  // Under the model's fields: what the configured model is (a pretrained folder's type, sizes, tokenizer).
  for (const auto& row : rows_)
    if (row.field->path() == "model.type") {
      modelSummary_ = new QLabel(row.group);
      modelSummary_->setObjectName("modelSummary");
      modelSummary_->setWordWrap(true);
      modelSummary_->setStyleSheet("color: palette(mid);");
      row.form->addRow(modelSummary_);
    }

  issues_ = new QLabel(this);
  issues_->setObjectName("designerIssues");
  issues_->setStyleSheet("color: #b00020;");
  warnings_ = new QLabel(this);
  warnings_->setObjectName("designerWarnings");
  warnings_->setStyleSheet("color: #8a5a00;");
  // Above the groups, where they are seen without scrolling.
  for (auto* label : {warnings_, issues_}) {
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->insertWidget(0, label);
  }
  layout->addStretch(1);
  // Marked fields: a tinted background and border that every editor type shows.
  setStyleSheet("*[trustlabMark=\"error\"] { background: #fde7e9; border: 1px solid #b00020; }"
                "*[trustlabMark=\"warning\"] { background: #fff4e0; border: 1px solid #c98a00; }");

  setSpec(ExperimentSpec());
  for (const auto& row : rows_) connectEditor(row);
}

QWidget* DesignerWidget::makeEditor(const SpecField& f) {
  switch (f.info.type) {
    case FieldType::Boolean:
      return new QCheckBox(this);
    case FieldType::Integer: {
      auto* s = new QSpinBox(this);
      s->setRange(clampToInt(std::isfinite(f.info.range.min) ? f.info.range.min + (f.info.range.minOpen ? 1 : 0) : INT_MIN),
                  clampToInt(std::isfinite(f.info.range.max) ? f.info.range.max - (f.info.range.maxOpen ? 1 : 0) : INT_MAX));
      s->setSpecialValueText(zeroMeaning(f.info));
      return s;
    }
    case FieldType::Real: {
      auto* line = new QLineEdit(this);  // scientific notation welcome: 1e-5
      line->setMinimumWidth(60);
      line->setPlaceholderText(zeroMeaning(f.info));  // shown for 0, kept empty
      return line;
    }
    case FieldType::Text:
      if (!f.info.choices) return new QLineEdit(this);
      auto* box = new QComboBox(this);
      box->setEditable(f.info.openChoices);
      // Sized to a short name, not to the longest one (a dataset path would widen the dock).
      box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
      box->setMinimumContentsLength(8);
      fillChoices(box, f);
      return box;
  }
  return new QLineEdit(this);
}

void DesignerWidget::connectEditor(const Row& row) {
  const auto changed = [this, row] { edited(row); };
  if (auto* c = qobject_cast<QCheckBox*>(row.editor)) connect(c, &QCheckBox::toggled, this, changed);
  else if (auto* s = qobject_cast<QSpinBox*>(row.editor)) connect(s, qOverload<int>(&QSpinBox::valueChanged), this, changed);
  else if (auto* b = qobject_cast<QComboBox*>(row.editor)) connect(b, &QComboBox::currentTextChanged, this, changed);
  else if (auto* l = qobject_cast<QLineEdit*>(row.editor)) connect(l, &QLineEdit::textChanged, this, changed);
}

void DesignerWidget::show(const Row& row) {
  const QSignalBlocker block(row.editor);
  const FieldValue v = row.field->get(spec_);
  if (auto* c = qobject_cast<QCheckBox*>(row.editor)) c->setChecked(std::get<bool>(v));
  else if (auto* s = qobject_cast<QSpinBox*>(row.editor)) s->setValue(clampToInt(double(std::get<long long>(v))));
  else if (auto* b = qobject_cast<QComboBox*>(row.editor)) b->setCurrentText(text(std::get<std::string>(v)));
  else if (auto* l = qobject_cast<QLineEdit*>(row.editor))
    l->setText(!std::holds_alternative<double>(v)        ? text(formatFieldValue(v))
               : std::get<double>(v) == 0 && !l->placeholderText().isEmpty() ? QString()
                                                                            : QString::number(std::get<double>(v), 'g', 8));
}

void DesignerWidget::edited(const Row& row) {
  const SpecField& f = *row.field;
  if (auto* c = qobject_cast<QCheckBox*>(row.editor)) f.set(spec_, c->isChecked());
  else if (auto* s = qobject_cast<QSpinBox*>(row.editor)) f.set(spec_, static_cast<long long>(s->value()));
  else if (auto* b = qobject_cast<QComboBox*>(row.editor)) f.set(spec_, b->currentText().trimmed().toStdString());
  else if (auto* l = qobject_cast<QLineEdit*>(row.editor)) {
    const bool meansZero = l->text().trimmed().isEmpty() && !l->placeholderText().isEmpty();
    const auto value = meansZero ? FieldValue(0.0) : parseFieldValue(f.info, l->text().toStdString());
    // Text that is no number fails validation with the field named (NaN is never in range).
    f.set(spec_, value ? *value : FieldValue(std::nan("")));
  }
  revalidate();
}

void DesignerWidget::setSpec(const ExperimentSpec& s) {
  spec_ = s;
  for (const auto& row : rows_) show(row);
  revalidate();
}

void DesignerWidget::refreshChoices() {
  for (const auto& row : rows_)
    if (auto* box = qobject_cast<QComboBox*>(row.editor)) fillChoices(box, *row.field);
  for (const auto& row : rows_) show(row);
}

QString DesignerWidget::markOf(const QString& fieldPath) const {
  for (const auto& row : rows_)
    if (row.editor->objectName() == fieldPath) return row.editor->property("trustlabMark").toString();
  return {};
}

void DesignerWidget::clearMark(const Row& row) {
  if (row.editor->property("trustlabMark").toString().isEmpty()) return;
  row.editor->setProperty("trustlabMark", QString());
  row.editor->setToolTip(tooltipOf(*row.field));
  restyle(row.editor);
}

void DesignerWidget::markRows(const std::vector<SpecIssue>& issues, const char* kind, QLabel* label) {
  QStringList lines;
  for (const auto& issue : issues) {
    const QString line = QString("%1: %2").arg(text(issue.field), text(issue.message));
    lines << line;
    for (const auto& row : rows_) {
      // An error outranks a warning on the same field.
      if (row.field->path() != issue.field || row.editor->property("trustlabMark") == "error") continue;
      row.editor->setProperty("trustlabMark", kind);
      row.editor->setToolTip(tooltipOf(*row.field) + "\n⚠ " + text(issue.message));
      restyle(row.editor);
    }
  }
  label->setText(lines.join('\n'));
  label->setVisible(!lines.isEmpty());
}

void DesignerWidget::describeModel() {
  if (!modelSummary_) return;
  const auto* entry = modelRegistry().find(spec_.model.type);
  QString summary;
  if (entry && entry->describe) {
    try {
      summary = text(entry->describe(spec_.model));
    } catch (const InputError&) {
      // The field's own issue says what is wrong with the folder.
    }
  }
  modelSummary_->setText(summary);
  modelSummary_->setVisible(!summary.isEmpty());
}

void DesignerWidget::revalidate() {
  // Only the fields that apply are shown; a section with none left (besides its switch) collapses.
  for (const auto& row : rows_) row.form->setRowVisible(row.rowWidget, row.field->appliesTo(spec_));
  for (const auto& row : rows_) clearMark(row);
  const auto issues = spec_.validate();
  markRows(issues, "error", issues_);
  markRows(issues.empty() ? specWarnings(spec_) : std::vector<SpecIssue>{}, "warning", warnings_);
  valid_ = issues.empty();
  describeModel();
  blockingReason_ = valid_ ? QString()
                           : QString("%1: %2").arg(text(issues.front().field), text(issues.front().message)) +
                                 (issues.size() > 1 ? tr(" (and %n more)", nullptr, int(issues.size() - 1)) : QString());
  Q_EMIT specChanged();
}

}  // namespace trustlab
