// views: the Compare tab: for runs chosen in the run table, the settings that differ (runs as
// columns), every metric, parallel coordinates over the differing settings and headline metrics
// (up is better on every axis), and a scatter of any two metrics with the Pareto front drawn through
// the runs no other beats in both (which way each axis improves is chosen beside it; it starts
// from the metric's name: losses, ε, leakage and gaps down, the rest up). Both plots colour the
// runs one by one or by a setting that differs between them. Exported like every plot, the
// tables as CSV.
#pragma once
#include <QList>
#include <QWidget>
#include <vector>

#include "plots/parallel_coordinates.h"
#include "store/run_comparison.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QTableWidget;

namespace trustlab {

class CompareView : public QWidget {
  Q_OBJECT
 public:
  explicit CompareView(QWidget* parent = nullptr);
  /// Reads the runs from the store; throws StoreError when it cannot.
  void showRuns(const QList<qlonglong>& runIds, const QString& storePath);
  void setAxes(const QString& xMetric, const QString& yMetric);
  /// Colours both plots by a differing setting ("" or an unknown one: a colour per run).
  void setColourBy(const QString& setting);
  QCustomPlot* scatterPlot() const { return scatter_; }
  QTableWidget* settingsTable() const { return settings_; }
  QTableWidget* metricTable() const { return metrics_; }
  /// front()[i]: whether the i-th run shown is on the Pareto front of the scatter.
  const std::vector<bool>& front() const { return front_; }
  /// Whether lower values of `metric` are the better ones (the default direction of an axis).
  static bool lowerIsBetter(const QString& metric);
  /// The parallel-coordinates plot: one axis per differing setting and headline metric.
  QCustomPlot* parallelPlot() const { return parallel_; }
  const ParallelCoordinates& parallel() const { return coordinates_; }
  /// `basePath`-compare-scatter.{pdf,…}, -compare-parallel.{pdf,…} and -compare-settings.csv /
  /// -compare-metrics.csv.
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 private:
  void fillTables();
  void redrawScatter();
  void redrawParallel();
  void redraw();
  /// The palette index of the i-th run, and its legend suffix (" · key=value") when colouring by a setting.
  int colourOf(size_t run) const;
  QString colourSuffix(size_t run) const;
  QLabel* summary_;
  QTableWidget *settings_, *metrics_;
  QComboBox *x_, *y_, *colourBy_;
  QCheckBox *higherX_, *higherY_;
  QCustomPlot *scatter_, *parallel_;
  ParallelCoordinates coordinates_;
  std::vector<RunRecord> runs_;
  RunComparison comparison_;
  SettingColours colours_;
  std::vector<bool> front_;
};

}  // namespace trustlab
