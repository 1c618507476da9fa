// views: one QCustomPlot of metric series against steps, with TensorBoard-style smoothing (raw
// values drawn faint behind the debiased EMA), log axes, and export to PDF/SVG/PNG/CSV/pgfplots.
// Redraws are coalesced (at most one per 50 ms) so live updates never flood the GUI thread.
#pragma once
#include <QColor>
#include <QTimer>
#include <QVector>
#include <QWidget>
#include <vector>

#include "plots/series_export.h"

class QCustomPlot;
class QCPGraph;
class QCheckBox;
class QLabel;
class QSlider;

namespace trustlab {

class MetricPlot : public QWidget {
  Q_OBJECT
 public:
  MetricPlot(const QString& title, const QString& xLabel, const QString& yLabel, QWidget* parent = nullptr);

  /// Adds a series and returns its id. Colours cycle through the Okabe–Ito palette when invalid.
  int addSeries(const QString& name, QColor color = QColor(), Qt::PenStyle style = Qt::SolidLine);
  void setData(int id, const QVector<double>& x, const QVector<double>& y);
  void appendPoint(int id, double x, double y);
  void clearSeries();
  int seriesCount() const { return int(series_.size()); }
  int pointCount() const;  ///< raw points over all series

  double smoothing() const { return smoothing_; }
  QCustomPlot* plot() const { return plot_; }
  /// Raw and smoothed series as plotted, for data export.
  PlotDescription description() const;

  static QColor paletteColor(int i);
  /// Where the legend sits inside the axes (e.g. bottom right for rising curves).
  void setLegendCorner(Qt::Alignment corner);
  /// Histogram look for series added afterwards: filled steps centred on each x (a bin).
  void setBars(bool on) { bars_ = on; }

 public Q_SLOTS:
  void setSmoothing(double weight);
  void setLogY(bool on);
  void exportWithDialog();
  /// Writes `basePath`.{pdf,svg,png,csv,tex} at widthPt × heightPt (PostScript points).
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 Q_SIGNALS:
  void smoothingChanged(double weight);

 private:
  struct Series {
    QString name;
    QColor color;
    QVector<double> x, y;
    QCPGraph* raw = nullptr;
    QCPGraph* smooth = nullptr;
  };
  void scheduleReplot();
  void replotNow();
  void updateSmoothed(Series& s);

  QString title_, xLabel_, yLabel_;
  QCustomPlot* plot_;
  QSlider* slider_;
  QLabel* sliderLabel_;
  QCheckBox* logY_;
  std::vector<Series> series_;
  double smoothing_ = 0.6;
  bool bars_ = false;
  QTimer replotTimer_;
};

}  // namespace trustlab
