// views: the Inspector: the selected run's spec, reproducibility record, parameters, latest
// metrics and privacy ledger, as read-only rich text.
#pragma once
#include <QTextBrowser>

namespace trustlab {

class RunInspector : public QTextBrowser {
  Q_OBJECT
 public:
  explicit RunInspector(QWidget* parent = nullptr);
 public Q_SLOTS:
  void showRun(qlonglong runId, const QString& storePath);
};

}  // namespace trustlab
