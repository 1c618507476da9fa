// views: the runs of a store as a table (id, status, experiment, name, dataset, model, metrics,
// start time, duration) for the run browser.
#pragma once
#include <QAbstractTableModel>
#include <vector>

#include "store/run_store.h"

namespace trustlab {

class RunTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Id, Status, Experiment, Name, Dataset, Model, ValidAccuracy, TestAccuracy, TestMacroF1, Started, Duration, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;

  /// Re-reads the store (read-only connection); throws StoreError when it cannot.
  void reload(const QString& storePath);
  qlonglong runId(int row) const { return runs_.at(size_t(row)).id; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  struct Row : RunRecord {
    QString dataset, model;
  };
  std::vector<Row> runs_;
};

}  // namespace trustlab
