// views: the run browser: the store's runs in a sortable, filterable table, compact enough for
// tens of rows; select several runs to overlay them in the plots; audit one; tag runs and edit
// their notes (in place, or from the context menu); delete; inspect the current one.
#pragma once
#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace trustlab {

class RunTableModel;

class RunBrowser : public QWidget {
  Q_OBJECT
 public:
  explicit RunBrowser(QWidget* parent = nullptr);
  void setStorePath(const QString& path);
  QString storePath() const { return storePath_; }
  QList<qlonglong> selectedRunIds() const;
  int runCount() const;
  QTableView* table() const { return table_; }

 public Q_SLOTS:
  void refresh();
  void selectRuns(const QList<qlonglong>& ids);
  /// Adds `key` (value optional) to the selected runs' tags; records (privacy.* …) are refused.
  bool tagSelected(const QString& key, const QString& value);

 Q_SIGNALS:
  void overlayRequested(const QList<qlonglong>& runIds);
  /// kind: loss | lira | canary.
  void auditRequested(qlonglong runId, const QString& kind);
  void currentRunChanged(qlonglong runId);
  void errorOccurred(const QString& message);

 private:
  void deleteSelected();
  void showContextMenu(const QPoint& pos);
  QString storePath_;
  RunTableModel* model_;
  QSortFilterProxyModel* proxy_;
  QTableView* table_;
  QLineEdit* filter_;
};

}  // namespace trustlab
