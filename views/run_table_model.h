// views: the runs of a store as a table (id, status, experiment, name, dataset, model, metrics,
// privacy (mode and ε spent), the researcher's tags and note, start time, duration) for the run
// browser, then any columns the researcher adds: a metric, param or tag key each (runValue says
// how a key is looked up). The note and name are edited in place and written to the store.
// Grouped (store/run_groups.h), runs become the children of one row per group, which shows the
// group's size and each number column's mean ± standard deviation.
#pragma once
#include <QAbstractItemModel>
#include <map>
#include <utility>
#include <vector>

#include "store/run_groups.h"
#include "store/run_store.h"

namespace trustlab {

class RunTableModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column {
    Id, Status, Experiment, Name, Dataset, Model, ValidAccuracy, TestAccuracy, TestMacroF1, Privacy, Tags, Note,
    Started, Duration, ColumnCount
  };
  using QAbstractItemModel::QAbstractItemModel;

  /// Re-reads the store (read-only connection); throws StoreError when it cannot.
  void reload(const QString& storePath);
  /// Groups the runs by a key of groupRuns ("" for a flat table).
  void setGroupBy(const QString& key);
  QString groupBy() const { return groupBy_; }
  /// The run of a row, or nullptr for a group's row.
  const RunRecord* run(const QModelIndex& index) const;
  /// Every run loaded, in store order.
  const std::vector<RunRecord>& runs() const { return runs_; }

  /// Added columns, after the fixed ones: metric, param or tag keys ("audit/mia_loss/auc").
  void setExtraColumns(const QStringList& keys);
  QStringList extraColumns() const { return extra_; }
  /// Every key the loaded runs have, by kind, for the column chooser.
  struct Keys {
    QStringList metrics, params, tags;
  };
  Keys availableKeys() const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  /// Editing the Note or Name column writes the note or the new name to the store (writeFailed
  /// says why it could not).
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;

 Q_SIGNALS:
  void writeFailed(const QString& message);

 private:
  /// What a run's row shows besides its record.
  struct RowText {
    QString dataset, model, privacy, userTags;
    QString privacyCaveats;  ///< what the run's ε does not say, one per line (the Privacy cell's tooltip)
  };
  static constexpr quintptr kTopLevel = 0;  ///< internal id of top-level rows; a run in group g has g + 1
  size_t runIndex(const QModelIndex& index) const;
  QVariant runData(size_t run, int column, int role) const;
  QVariant groupData(size_t group, int column, int role) const;
  /// A group's value of a column, computed once per reload, grouping or column change (painting
  /// and sorting ask for it again and again).
  const GroupValue& groupColumnValue(size_t group, int column, const std::string& key) const;
  QVariant extraValue(const RunRecord& r, const QString& key, int role) const;
  std::vector<RunRecord> runs_;
  std::vector<RowText> text_;
  std::vector<RunGroup> groups_;
  mutable std::map<std::pair<size_t, int>, GroupValue> groupValues_;
  QString groupBy_;
  QStringList extra_;
  QString storePath_;
};

}  // namespace trustlab
