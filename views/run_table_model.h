// views: the runs of a store as a table (id, status, experiment, name, dataset, model, metrics,
// privacy (mode and ε spent), the researcher's tags and note, start time, duration) for the run
// browser, then any columns the researcher adds: a metric, param or tag key each (runValue says
// how a key is looked up). The note is edited in place and written to the store.
#pragma once
#include <QAbstractTableModel>
#include <vector>

#include "store/run_store.h"

namespace trustlab {

class RunTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    Id, Status, Experiment, Name, Dataset, Model, ValidAccuracy, TestAccuracy, TestMacroF1, Privacy, Tags, Note,
    Started, Duration, ColumnCount
  };
  using QAbstractTableModel::QAbstractTableModel;

  /// Re-reads the store (read-only connection); throws StoreError when it cannot.
  void reload(const QString& storePath);
  qlonglong runId(int row) const { return runs_.at(size_t(row)).id; }
  const RunRecord& record(int row) const { return runs_.at(size_t(row)); }

  /// Added columns, after the fixed ones: metric, param or tag keys ("audit/mia_loss/auc").
  void setExtraColumns(const QStringList& keys);
  QStringList extraColumns() const { return extra_; }
  /// Every key the loaded runs have, by kind, for the column chooser.
  struct Keys {
    QStringList metrics, params, tags;
  };
  Keys availableKeys() const;

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
  struct Row : RunRecord {
    QString dataset, model, privacy, userTags;
  };
  QVariant extraValue(const Row& r, const QString& key, int role) const;
  std::vector<Row> runs_;
  QStringList extra_;
  QString storePath_;
};

}  // namespace trustlab
