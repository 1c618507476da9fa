// views: any two columns of a study's per-run table (runs.csv) against each other: a scatter with
// one colour per model, and their Spearman ρ and Pearson r with BCa 95 % intervals over the runs
// shown. The fairness-consistency study's "is this intrinsic metric telling me about that
// extrinsic one?", for every pair, not just the report's figure.
#pragma once
#include <QWidget>

#include "studies/run_table.h"

class QComboBox;
class QLabel;

namespace trustlab {

class MetricPlot;

class PairExplorer : public QWidget {
  Q_OBJECT
 public:
  explicit PairExplorer(QWidget* parent = nullptr);
  /// Reads a study's runs.csv; false when it cannot or it has fewer than two numeric columns.
  bool load(const QString& path);
  /// Chooses the columns shown (names as in the table).
  void setPair(const QString& x, const QString& y);
  /// "Spearman ρ = … [lo, hi] · Pearson r = … · n runs".
  QString summary() const;
  MetricPlot* plot() const { return plot_; }

 private:
  void redraw();
  RunTable table_;
  QComboBox* x_;
  QComboBox* y_;
  QLabel* summary_;
  MetricPlot* plot_;
};

}  // namespace trustlab
