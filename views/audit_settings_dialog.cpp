#include "audit_settings_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>

namespace trustlab {
namespace {
QString settingsKey(const QString& auditName, const std::string& key) {
  return QStringLiteral("audits/%1/%2").arg(auditName, QString::fromStdString(key));
}
}  // namespace

AuditSettingsDialog::AuditSettingsDialog(const QString& auditName, const QString& description, const Audit& audit,
                                         const QString& dataRoot, QWidget* parent)
    : QDialog(parent), name_(auditName) {
  setWindowTitle(description);
  auto* form = new QFormLayout(this);
  QSettings stored;
  if (audit.argument.kind == AuditArgument::File) {
    const QString folder = dataRoot.isEmpty() ? QString() : dataRoot + '/' + QString::fromStdString(audit.argument.dataFolder);
    argument_ = new QLineEdit(stored.value(settingsKey(auditName, "argument")).toString(), this);
    argument_->setObjectName(QStringLiteral("argument"));
    if (audit.argument.defaultValue) argument_->setPlaceholderText(tr("default"));
    form->addRow(QString::fromStdString(audit.argument.help),
                 withBrowse(argument_, QString::fromStdString(audit.argument.fileFilter), folder));
  }
  const auto values = remembered(auditName, audit);
  for (const auto& s : audit.settings) {
    const QString value = QString::fromStdString(values.count(s.key) ? values.at(s.key) : s.defaultValue);
    auto* field = new QLineEdit(value, this);
    field->setObjectName(QString::fromStdString(s.key));
    field->setPlaceholderText(QString::fromStdString(s.defaultValue));
    field->setToolTip(QString::fromStdString(s.help));
    fields_[s.key] = field;
    auto* label = new QLabel(QString::fromStdString(s.key), this);
    label->setToolTip(QString::fromStdString(s.help));
    form->addRow(label, s.fileFilter.empty() ? static_cast<QWidget*>(field)
                                             : withBrowse(field, QString::fromStdString(s.fileFilter), dataRoot));
  }
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Run audit"));
  connect(buttons, &QDialogButtonBox::accepted, this, &AuditSettingsDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
  setMinimumWidth(520);
}

/// `edit` with a Browse… button beside it, in one row widget.
QWidget* AuditSettingsDialog::withBrowse(QLineEdit* edit, const QString& filter, const QString& folder) {
  auto* row = new QWidget(this);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  edit->setParent(row);
  auto* browse = new QPushButton(tr("Browse…"), row);
  connect(browse, &QPushButton::clicked, this, [this, edit, filter, folder] {
    const QString p = QFileDialog::getOpenFileName(this, tr("Choose a file"), folder, filter + tr(";;All files (*)"));
    if (!p.isEmpty()) edit->setText(p);
  });
  layout->addWidget(edit, 1);
  layout->addWidget(browse);
  return edit;
}

std::string AuditSettingsDialog::argument() const {
  return argument_ ? argument_->text().trimmed().toStdString() : std::string();
}

std::map<std::string, std::string> AuditSettingsDialog::settings() const {
  std::map<std::string, std::string> out;
  for (const auto& [key, field] : fields_) out[key] = field->text().trimmed().toStdString();
  return out;
}

std::map<std::string, std::string> AuditSettingsDialog::remembered(const QString& auditName, const Audit& audit) {
  QSettings stored;
  std::map<std::string, std::string> out;
  for (const auto& s : audit.settings)
    if (const auto v = stored.value(settingsKey(auditName, s.key)); v.isValid()) out[s.key] = v.toString().toStdString();
  return out;
}

void AuditSettingsDialog::accept() {
  QSettings stored;
  if (argument_) stored.setValue(settingsKey(name_, "argument"), argument_->text().trimmed());
  for (const auto& [key, field] : fields_) stored.setValue(settingsKey(name_, key), field->text().trimmed());
  QDialog::accept();
}

}  // namespace trustlab
