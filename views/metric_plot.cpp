#include "metric_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <cmath>

#include "export_dialog.h"
#include "plot_exporter.h"
#include "plots/decimation.h"
#include "plots/smoothing.h"

namespace trustlab {

QColor MetricPlot::paletteColor(int i) {
  // Okabe–Ito: distinguishable with the common colour-vision deficiencies.
  static const QColor k[] = {QColor("#0072B2"), QColor("#D55E00"), QColor("#009E73"), QColor("#CC79A7"),
                             QColor("#E69F00"), QColor("#56B4E9"), QColor("#F0E442"), QColor("#000000")};
  return k[i % 8];
}

MetricPlot::MetricPlot(const QString& title, const QString& xLabel, const QString& yLabel, QWidget* parent)
    : QWidget(parent), title_(title), xLabel_(xLabel), yLabel_(yLabel), plot_(new QCustomPlot(this)) {
  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, new QCPTextElement(plot_, title, QFont(font().family(), 10, QFont::Bold)));
  plot_->xAxis->setLabel(xLabel);
  plot_->yAxis->setLabel(yLabel);
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  // See-through, so that curves passing under an overlay's long legend stay visible.
  plot_->legend->setBrush(QColor(255, 255, 255, 170));
  plot_->legend->setBorderPen(QPen(QColor(0, 0, 0, 90)));
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  // Solid curves as one polyline, not segment by segment (QCustomPlot's default, for dash
  // patterns): a few thousand segments of a noisy curve took ~100 ms per redraw that way.
  plot_->setPlottingHint(QCP::phFastPolylines, true);
  plot_->setMinimumSize(160, 80);  // three fit a 1024×700 window
  plot_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(plot_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
    QMenu menu;
    menu.addAction(tr("Export…"), this, &MetricPlot::exportWithDialog);
    menu.addAction(tr("Reset zoom"), this, [this] { replotNow(); });
    menu.exec(plot_->mapToGlobal(pos));
  });

  emptyHint_ = new QCPItemText(plot_);
  emptyHint_->position->setType(QCPItemPosition::ptAxisRectRatio);
  emptyHint_->position->setCoords(0.5, 0.5);
  emptyHint_->setColor(QColor("#777777"));
  emptyHint_->setFont(QFont(font().family(), 10));
  emptyHint_->setText(tr("No data yet: start a run, or select runs to overlay"));

  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, 99);
  slider_->setValue(int(smoothing_ * 100));
  slider_->setToolTip(tr("Debiased exponential moving average, as in TensorBoard (raw values stay faint)"));
  sliderLabel_ = new QLabel(this);
  sliderLabel_->setMinimumWidth(32);
  logY_ = new QCheckBox(tr("log y"), this);
  auto* exportButton = new QPushButton(tr("Export…"), this);
  connect(slider_, &QSlider::valueChanged, this, [this](int v) { setSmoothing(v / 100.0); });
  connect(logY_, &QCheckBox::toggled, this, &MetricPlot::setLogY);
  connect(exportButton, &QPushButton::clicked, this, &MetricPlot::exportWithDialog);

  smoothingCaption_ = new QLabel(tr("Smoothing"), this);
  auto* bar = new QHBoxLayout;
  bar->addWidget(smoothingCaption_);
  bar->addWidget(slider_, 1);
  bar->addWidget(sliderLabel_);
  bar->addStretch(0);  // takes the room when smoothing is not offered, instead of the buttons
  bar->addWidget(logY_);
  bar->addWidget(exportButton);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_, 1);
  layout->addLayout(bar);
  sliderLabel_->setText(QString::number(smoothing_, 'f', 2));
  slider_->setMinimumWidth(40);
  updateEmptyHint();

  replotTimer_.setSingleShot(true);
  replotTimer_.setInterval(50);
  connect(&replotTimer_, &QTimer::timeout, this, &MetricPlot::replotNow);
  // Zooming and panning redraw from the points of the new range (decimated when many).
  connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this](const QCPRange& r) {
    for (auto& s : series_)
      if (!s.dirty) fillGraphs(s, r.lower, r.upper);
  });
}

void MetricPlot::setLegendCorner(Qt::Alignment corner) {
  const bool top = corner & Qt::AlignTop, right = corner & Qt::AlignRight;
  preferredSpot_ = top ? (right ? LegendSpot::TopRight : LegendSpot::TopLeft)
                       : (right ? LegendSpot::BottomRight : LegendSpot::BottomLeft);
  scheduleReplot();
}

void MetricPlot::setBars(bool on) {
  bars_ = on;
  for (auto& s : series_) s.dirty = true;
  setSmoothingOffered(!on);
}

void MetricPlot::setScatter(int id) {
  auto& s = series_.at(size_t(id));
  s.scatter = true;
  s.raw->setVisible(false);
  s.smooth->setLineStyle(QCPGraph::lsNone);
  s.smooth->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
  scheduleReplot();
}

void MetricPlot::setAxisLabels(const QString& x, const QString& y) {
  xLabel_ = x;  // what exports say too
  yLabel_ = y;
  plot_->xAxis->setLabel(x);
  plot_->yAxis->setLabel(y);
  scheduleReplot();
}

void MetricPlot::setSmoothingOffered(bool on) {
  if (!on) setSmoothing(0);
  for (QWidget* w : std::initializer_list<QWidget*>{smoothingCaption_, slider_, sliderLabel_}) w->setVisible(on);
}

void MetricPlot::setEmptyHint(const QString& hint) {
  emptyHint_->setText(hint);
  scheduleReplot();
}

void MetricPlot::updateEmptyHint() {
  const bool empty = pointCount() == 0;
  emptyHint_->setVisible(empty);
  plot_->xAxis->setTickLabels(!empty);
  plot_->yAxis->setTickLabels(!empty);
  plot_->legend->setVisible(!empty);
}

void MetricPlot::moveLegend(LegendSpot spot) {
  auto* legend = plot_->legend;
  auto* inset = plot_->axisRect()->insetLayout();
  auto* grid = plot_->plotLayout();
  const bool inside = legend->layout() == inset;
  if (spot == LegendSpot::Outside) {
    if (inside) {
      inset->take(legend);
      inset->simplify();
      grid->addElement(grid->rowCount(), 0, legend);
      grid->setRowStretchFactor(grid->rowCount() - 1, 0.001);  // as tall as its rows, no more
    }
  } else {
    const Qt::Alignment corner =
        (spot == LegendSpot::TopRight || spot == LegendSpot::TopLeft ? Qt::AlignTop : Qt::AlignBottom) |
        (spot == LegendSpot::TopRight || spot == LegendSpot::BottomRight ? Qt::AlignRight : Qt::AlignLeft);
    if (!inside) {
      grid->take(legend);
      grid->simplify();
      inset->addElement(legend, corner);
    }
    for (int i = 0; i < inset->elementCount(); ++i)
      if (inset->elementAt(i) == legend) inset->setInsetAlignment(i, corner);
  }
}

void MetricPlot::placeLegend(QSizeF axisSize) {
  auto* legend = plot_->legend;
  for (auto& s : series_) s.smooth->setName(s.name);  // whole names unless they must shrink (below)
  // Measured as one column, the way it sits inside the axes.
  legend->setWrap(0);
  legend->setFillOrder(QCPLayoutGrid::foRowsFirst, true);
  if (!legend->visible() || axisSize.width() < 1 || axisSize.height() < 1) return moveLegend(preferredSpot_);
  const QCPRange xr = plot_->xAxis->range(), yr = plot_->yAxis->range();
  const bool logY = plot_->yAxis->scaleType() == QCPAxis::stLogarithmic;
  const auto fraction = [](double v, const QCPRange& r, bool log) {
    return log ? (std::log(v) - std::log(r.lower)) / (std::log(r.upper) - std::log(r.lower)) : (v - r.lower) / r.size();
  };
  // Where the data lies, from at most ~2,000 evenly spaced points per graph: enough to find a
  // free corner, and a replot of a million-point curve does not copy it all.
  std::vector<std::pair<double, double>> points;
  for (const auto& s : series_)
    for (const QCPGraph* g : {s.raw, s.smooth})
      if (g->visible()) {
        const int stride = std::max(1, g->dataCount() / 2000);
        for (int i = 0; i < g->dataCount(); i += stride) {
          const auto it = g->data()->at(i);
          points.push_back({fraction(it->key, xr, false), fraction(it->value, yr, logY)});
        }
      }
  const auto choose = [&] {
    const QSize box = legend->minimumOuterSizeHint() + QSize(14, 14);  // with the inset's margin
    return chooseLegendSpot(points, box.width() / axisSize.width(), box.height() / axisSize.height(), preferredSpot_);
  };
  const QFontMetrics metrics(legend->font());
  const int textRoom = legend->iconSize().width() + legend->iconTextPadding() + 24;
  // Names lose their middle but keep their first and last words ("#3 bilstm … train"; in a
  // narrow figure "#3 … train"): long run names in a column-wide export.
  const auto elideNames = [&](int width) {
    const int budget = std::max(metrics.horizontalAdvance("#000 … valid"), width - textRoom);
    for (auto& s : series_) {
      const QString first = s.name.section(' ', 0, 0), last = s.name.section(' ', -1);
      QString label = metrics.elidedText(s.name, Qt::ElideMiddle, budget);
      if (label != s.name && (!label.startsWith(first + ' ') || !label.endsWith(' ' + last)) && s.name.count(' ') >= 2)
        label = metrics.elidedText(first + " … " + last, Qt::ElideMiddle, budget);
      s.smooth->setName(label);
    }
  };
  auto choice = choose();
  if (choice.spot == LegendSpot::Outside) {  // shorter names may fit a free corner
    elideNames(int(0.5 * axisSize.width()));
    choice = choose();
    if (choice.spot == LegendSpot::Outside)
      for (auto& s : series_) s.smooth->setName(s.name);
  }
  moveLegend(choice.spot);
  if (choice.spot != LegendSpot::Outside) return;
  // Below the axes: as many columns as the width holds, a name wider than the axes elided.
  int widest = 1;
  for (int i = 0; i < legend->itemCount(); ++i)
    widest = std::max(widest, legend->item(i)->minimumOuterSizeHint().width());
  if (widest > axisSize.width()) {
    elideNames(int(axisSize.width()));
    widest = int(axisSize.width());
  }
  legend->setWrap(std::max(1, int(axisSize.width() / (widest + legend->columnSpacing()))));
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
}

int MetricPlot::addSeries(const QString& name, QColor color, Qt::PenStyle style) {
  if (!color.isValid()) color = paletteColor(int(series_.size()));
  Series s;
  s.name = name;
  s.color = color;
  QColor faint = color;
  faint.setAlpha(60);
  s.raw = plot_->addGraph();
  s.raw->setPen(QPen(faint, 1));
  s.raw->removeFromLegend();
  s.smooth = plot_->addGraph();
  s.smooth->setPen(QPen(color, 2, style));
  s.smooth->setName(name);
  if (bars_) {  // counts are exact: no faint raw line behind the bars
    s.smooth->setLineStyle(QCPGraph::lsStepLeft);
    s.smooth->setBrush(faint);
    s.raw->setVisible(false);
  }
  series_.push_back(s);
  scheduleReplot();
  return int(series_.size()) - 1;
}

void MetricPlot::setData(int id, const QVector<double>& x, const QVector<double>& y) {
  auto& s = series_.at(size_t(id));
  s.x = x;
  s.y = y;
  s.dirty = true;
  scheduleReplot();
}

void MetricPlot::appendPoint(int id, double x, double y) {
  auto& s = series_.at(size_t(id));
  s.x.push_back(x);
  s.y.push_back(y);
  s.dirty = true;
  scheduleReplot();
}

void MetricPlot::clearSeries() {
  plot_->clearGraphs();
  series_.clear();
  scheduleReplot();
}

int MetricPlot::pointCount() const {
  int n = 0;
  for (const auto& s : series_) n += int(s.x.size());
  return n;
}

void MetricPlot::setSmoothing(double weight) {
  weight = std::clamp(weight, 0.0, 0.99);
  if (std::abs(weight - smoothing_) < 1e-9) return;
  smoothing_ = weight;
  const QSignalBlocker block(slider_);
  slider_->setValue(int(std::lround(weight * 100)));
  sliderLabel_->setText(QString::number(weight, 'f', 2));
  for (auto& s : series_) s.dirty = true;
  scheduleReplot();
  Q_EMIT smoothingChanged(weight);
}

void MetricPlot::setLogY(bool on) {
  if (logY_->isChecked() != on) logY_->setChecked(on);
  plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  plot_->yAxis->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                             : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  scheduleReplot();
}

void MetricPlot::scheduleReplot() {
  if (!replotTimer_.isActive()) replotTimer_.start();
}

void MetricPlot::updateSmoothed(Series& s) {
  if (!s.dirty) return;  // a zoom, resize or legend move: the graphs hold the data already
  s.dirty = false;
  if (bars_ && !s.x.isEmpty()) {
    // Unit bins centred on each x: left edges drawn as left steps, opened and closed at zero.
    s.raw->setData(s.x, s.y, true);
    QVector<double> edges{s.x.front() - 0.5}, heights{0};
    for (int i = 0; i < s.x.size(); ++i) edges << s.x[i] - 0.5, heights << s.y[i];
    edges << s.x.back() + 0.5 << s.x.back() + 0.5;
    heights << s.y.back() << 0;
    s.smooth->setData(edges, heights, true);
    return;
  }
  s.smoothY = smoothDebiasedEma(std::vector<double>(s.y.begin(), s.y.end()), smoothing_);
  fillGraphs(s, s.x.front(), s.x.back());  // all of it: the axes are fitted to the graphs next
}

void MetricPlot::fillGraphs(Series& s, double from, double to) {
  if (bars_ || s.x.isEmpty()) return;
  const size_t n = size_t(s.x.size());
  const int columns = std::max(100, plot_->axisRect()->width());
  for (auto [graph, y] : {std::pair{s.raw, s.y.constData()}, std::pair{s.smooth, static_cast<const double*>(s.smoothY.data())}}) {
    const auto line = decimateM4(s.x.constData(), y, n, from, to, columns);
    graph->setData(QVector<double>(line.x.begin(), line.x.end()), QVector<double>(line.y.begin(), line.y.end()), true);
  }
}

void MetricPlot::replotNow() {
  for (auto& s : series_) updateSmoothed(s);
  plot_->rescaleAxes();
  if (bars_ && !series_.empty() && !logY_->isChecked())  // bars stand on zero
    plot_->yAxis->setRange(0, plot_->yAxis->range().upper * 1.05);
  if (std::any_of(series_.begin(), series_.end(), [](const Series& s) { return s.scatter; })) {
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis})  // a point on the edge would be cut in half
      if (axis->scaleType() == QCPAxis::stLinear) axis->scaleRange(1.1, axis->range().center());
  } else if (!bars_ && !series_.empty()) {
    plot_->yAxis->scaleRange(1.06, plot_->yAxis->range().center());  // a line at an extreme would hide in the axis
  }
  updateEmptyHint();
  placeLegend(plot_->axisRect()->rect().size());
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

PlotDescription MetricPlot::description() const {
  PlotDescription d;
  d.title = title_.toStdString();
  d.xLabel = xLabel_.toStdString();
  d.yLabel = yLabel_.toStdString();
  d.logY = logY_->isChecked();
  for (const auto& s : series_) {
    const bool dashed = s.smooth->pen().style() == Qt::DashLine;
    PlotSeries raw{s.name.toStdString() + " (raw)", {s.x.begin(), s.x.end()}, {s.y.begin(), s.y.end()},
                   s.color.name().toStdString(), dashed, true};
    PlotSeries smooth{s.name.toStdString(), raw.x, smoothDebiasedEma(raw.y, smoothing_), raw.color, dashed, false, s.scatter};
    d.series.push_back(smooth);
    if (!bars_ && !s.scatter) d.series.push_back(raw);
  }
  return d;
}

QStringList MetricPlot::write(const ExportRequest& request) {
  replotNow();
  // The legend placed for the export's size (a column figure is far smaller than the screen):
  // the export's units are the screen's pixels (text keeps its size in them), and its axis rect
  // is the page less the margins the screen layout has around the axes.
  const QSize margins = plot_->viewport().size() - plot_->axisRect()->rect().size();
  placeLegend(QSizeF(std::max(20.0, request.widthPt - margins.width()), std::max(20.0, request.heightPt - margins.height())));
  QStringList written;
  try {
    written = exportPlot(plot_, description(), request);
  } catch (...) {
    replotNow();
    throw;
  }
  replotNow();  // back to the screen's placement
  return written;
}

QStringList MetricPlot::exportAll(const QString& basePath, double widthPt, double heightPt) {
  ExportRequest r;
  r.basePath = basePath;
  r.widthPt = widthPt;
  r.heightPt = heightPt;
  return write(r);
}

bool MetricPlot::exportTo(const ExportRequest& request) {
  return runExport(this, request, [this](const ExportRequest& r) { return write(r); });
}

void MetricPlot::exportWithDialog() {
  trustlab::exportWithDialog(this, title_, [this](const ExportRequest& r) { return write(r); });
}

std::vector<std::string> renderFigure(const PlotDescription& d, const std::string& base) {
  MetricPlot plot(QString::fromStdString(d.title), QString::fromStdString(d.xLabel), QString::fromStdString(d.yLabel));
  plot.setSmoothingOffered(false);
  plot.resize(640, 420);
  plot.setLogY(d.logY);
  if (d.logX) {
    plot.plot()->xAxis->setScaleType(QCPAxis::stLogarithmic);
    plot.plot()->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  }
  QColor previous;  // a faint series (± std) is drawn in the colour of the line it surrounds
  for (const auto& s : d.series) {
    const QColor color = !s.color.empty() ? QColor(QString::fromStdString(s.color)) : s.faint ? previous : QColor();
    const int id = plot.addSeries(QString::fromStdString(s.name), color, s.dashed ? Qt::DashLine : Qt::SolidLine);
    plot.setData(id, QVector<double>(s.x.begin(), s.x.end()), QVector<double>(s.y.begin(), s.y.end()));
    if (s.markers) plot.setScatter(id);
    QCPGraph* line = plot.plot()->graph(plot.plot()->graphCount() - 1);
    if (!s.faint) {
      previous = line->pen().color();
      continue;
    }
    QPen pen = line->pen();
    QColor light = pen.color();
    light.setAlpha(70);
    pen.setColor(light);
    pen.setWidthF(1);
    line->setPen(pen);
    line->removeFromLegend();
  }
  std::vector<std::string> files;
  for (const auto& f : plot.exportAll(QString::fromStdString(base), d.widthCm / 2.54 * 72, d.heightCm / 2.54 * 72))
    files.push_back(f.toStdString());
  return files;
}

}  // namespace trustlab
