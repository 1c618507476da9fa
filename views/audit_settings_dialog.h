// views: what an audit with settings asks before it runs (CEAT: its test, its corpus, how many
// samples): the audit's file argument and each setting it declares, with a Browse… button for
// files, prefilled with the values last used for that audit (QSettings), else the defaults. Each
// field is named after its setting ("argument" for the argument).
#pragma once
#include <QDialog>
#include <map>
#include <string>

#include "audits/audit.h"

class QLineEdit;

namespace trustlab {

class AuditSettingsDialog : public QDialog {
  Q_OBJECT
 public:
  AuditSettingsDialog(const QString& auditName, const QString& description, const Audit& audit, const QString& dataRoot,
                      QWidget* parent = nullptr);
  /// The argument as typed (empty: the audit's default).
  std::string argument() const;
  /// Every setting; an emptied field falls back to its default in runAudit.
  std::map<std::string, std::string> settings() const;
  /// The values last accepted for `auditName` (only settings it still declares).
  static std::map<std::string, std::string> remembered(const QString& auditName, const Audit& audit);

 public Q_SLOTS:
  void accept() override;

 private:
  QWidget* withBrowse(QLineEdit* edit, const QString& filter, const QString& folder);
  QString name_;
  QLineEdit* argument_ = nullptr;
  std::map<std::string, QLineEdit*> fields_;
};

}  // namespace trustlab
