// views: the run browser: the store's runs in a sortable, filterable table, compact enough for
// tens of rows; select several runs to overlay them in the plots; audit one; tag runs and edit
// their notes (in place, or from the context menu); delete; inspect the current one. The filter
// box takes words (any column contains them) or an expression over any field, metric, param or
// tag (store/run_filter.h); the header's context menu adds any metric, param or tag as a column,
// remembered between sessions. Runs can be grouped (by experiment or sweep, as replicates, by a
// setting or by a tag): a group's row shows means ± standard deviations and stands for its runs
// when selected.
#pragma once
#include <QWidget>

class QComboBox;
class QLineEdit;
class QTreeView;

namespace trustlab {

class RunTableModel;
class RunFilterProxy;

class RunBrowser : public QWidget {
  Q_OBJECT
 public:
  explicit RunBrowser(QWidget* parent = nullptr);
  void setStorePath(const QString& path);
  QString storePath() const { return storePath_; }
  QList<qlonglong> selectedRunIds() const;
  int runCount() const;
  QTreeView* table() const { return table_; }

 public Q_SLOTS:
  void refresh();
  void selectRuns(const QList<qlonglong>& ids);
  /// Adds `key` (value optional) to the selected runs' tags; records (privacy.* …) are refused.
  bool tagSelected(const QString& key, const QString& value);
  /// Removes a tag of the researcher's from the selected runs; false (and errorOccurred) for a record.
  bool untagSelected(const QString& key);
  /// Words or an expression; false (the box marked, the message as its tooltip) when the
  /// expression does not parse, and the last good filter stays.
  bool setFilter(const QString& text);
  /// Shows these metric/param/tag keys as columns after the fixed ones (and remembers them).
  void setExtraColumns(const QStringList& keys);
  /// Groups the runs by a key of store/run_groups.h ("" for none; remembered).
  void setGroupBy(const QString& key);

 Q_SIGNALS:
  void overlayRequested(const QList<qlonglong>& runIds);
  void compareRequested(const QList<qlonglong>& runIds);
  /// kind: loss | lira | canary.
  void auditRequested(qlonglong runId, const QString& kind);
  void currentRunChanged(qlonglong runId);
  void errorOccurred(const QString& message);

 private:
  void deleteSelected();
  void showContextMenu(const QPoint& pos);
  void showColumnMenu(const QPoint& pos);
  void fillGroupings(const QString& current);
  void resizeColumns();
  QString storePath_;
  RunTableModel* model_;
  RunFilterProxy* proxy_;
  QTreeView* table_;
  QLineEdit* filter_;
  QComboBox* groupBy_;
};

}  // namespace trustlab
