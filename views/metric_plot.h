// views: one QCustomPlot of metric series against steps, with TensorBoard-style smoothing (raw
// values drawn faint behind the debiased EMA), log axes, and export to PDF/SVG/PNG/CSV/pgfplots.
// The legend goes where it hides the least data (plots/legend_placement.h), on screen and
// again for each export's size, below the axes when no corner is free; an empty plot shows a
// hint instead of bare 0–5 axes.
// Redraws are coalesced (at most one per 50 ms) so live updates never flood the GUI thread.
#pragma once
#include <QColor>
#include <QTimer>
#include <QVector>
#include <QWidget>
#include <vector>

#include "plot_exporter.h"
#include "plots/legend_placement.h"
#include "plots/series_export.h"

class QCustomPlot;
class QCPGraph;
class QCPItemText;
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
  /// Draws series `id` as points only (a scatter): nothing joins them, nothing is smoothed.
  void setScatter(int id);
  void setAxisLabels(const QString& x, const QString& y);
  int seriesCount() const { return int(series_.size()); }
  int pointCount() const;  ///< raw points over all series

  double smoothing() const { return smoothing_; }
  QCustomPlot* plot() const { return plot_; }
  /// Raw and smoothed series as plotted, for data export.
  PlotDescription description() const;

  static QColor paletteColor(int i);
  /// The corner the legend prefers (it moves when that one would hide data).
  void setLegendCorner(Qt::Alignment corner);
  /// Histogram look for series added afterwards: filled steps centred on each x (a bin); exact
  /// counts, so no smoothing is offered.
  void setBars(bool on);
  /// Whether the smoothing slider is shown (not for exact quantities such as ε or counts).
  void setSmoothingOffered(bool on);
  /// What an empty plot says instead of showing bare axes.
  void setEmptyHint(const QString& hint);

 public Q_SLOTS:
  void setSmoothing(double weight);
  void setLogY(bool on);
  void exportWithDialog();
  /// Exports as requested and reports the files or the failure in a box; never throws.
  bool exportTo(const trustlab::ExportRequest& request);
  /// Writes `basePath`.{pdf,svg,png,csv,tex} at widthPt × heightPt (PostScript points); throws
  /// std::runtime_error naming the file that failed.
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 Q_SIGNALS:
  void smoothingChanged(double weight);

 private:
  struct Series {
    QString name;
    QColor color;
    QVector<double> x, y;
    std::vector<double> smoothY;  ///< the smoothed y at every x (drawn decimated)
    QCPGraph* raw = nullptr;
    QCPGraph* smooth = nullptr;
    bool dirty = true;  ///< x, y or the smoothing changed since the graphs were filled
    bool scatter = false;
  };
  QStringList write(const ExportRequest& request);
  /// Moves the legend to the spot chooseLegendSpot picks for an axis rect of `axisSize` pixels
  /// (names elided when that lets it sit in a free corner or fit below the axes).
  void placeLegend(QSizeF axisSize);
  void moveLegend(LegendSpot spot);
  void updateEmptyHint();
  void scheduleReplot();
  void replotNow();
  void updateSmoothed(Series& s);
  /// Gives the series' graphs what a screen of [from, to] shows: all the points, or an M4
  /// decimation of them (plots/decimation.h) when there are many more than pixel columns.
  void fillGraphs(Series& s, double from, double to);

  QString title_, xLabel_, yLabel_;
  QCustomPlot* plot_;
  QSlider* slider_;
  QLabel* sliderLabel_;
  QLabel* smoothingCaption_;
  QCPItemText* emptyHint_;
  LegendSpot preferredSpot_ = LegendSpot::TopRight;
  QCheckBox* logY_;
  std::vector<Series> series_;
  double smoothing_ = 0.6;
  bool bars_ = false;
  QTimer replotTimer_;
};

/// A core figure drawn as the GUI draws it, at its size (one column unless it says otherwise): PDF,
/// SVG, PNG at 300 dpi, CSV and pgfplots at `base`.*; returns the files. A FigureWriter for reports; GUI thread only.
std::vector<std::string> renderFigure(const PlotDescription& d, const std::string& base);

}  // namespace trustlab
