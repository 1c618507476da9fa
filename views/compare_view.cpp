#include "compare_view.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <tuple>

#include "colour_by.h"
#include "metric_plot.h"
#include "plot_exporter.h"
#include "plots/pareto.h"
#include "table_text.h"

namespace trustlab {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

/// The metrics parallel coordinates show: utility, ε, leakage, then fairness and cost, up to 8.
std::vector<std::string> headlineMetrics(const RunComparison& c) {
  std::vector<std::string> out;
  const auto take = [&](auto&& wanted) {
    for (const auto& [key, values] : c.metrics)
      if (out.size() < 8 && wanted(key) && std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
  };
  take([](const std::string& k) { return k == "test/accuracy" || k == "test/macro_f1"; });
  take([](const std::string& k) { return k == "privacy/epsilon"; });
  take([](const std::string& k) { return k.rfind("audit/", 0) == 0 && k.find("auc") != std::string::npos; });
  take([](const std::string& k) { return k.rfind("fairness/", 0) == 0 && k.find("gap") != std::string::npos; });
  take([](const std::string& k) { return k == "time/seconds" || k == "fl/simulated_seconds"; });
  return out;
}

QTableWidget* makeTable(QWidget* parent) {
  auto* t = new QTableWidget(parent);
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
  t->setWordWrap(false);
  t->verticalHeader()->hide();
  return t;
}

}  // namespace

bool CompareView::lowerIsBetter(const QString& metric) {
  for (const char* word : {"loss", "epsilon", "ε", "audit/", "gap", "difference", "flip_rate", "seconds", "perplexity",
                           "exposure", "aps"})
    if (metric.contains(QLatin1String(word))) return true;
  return false;
}

CompareView::CompareView(QWidget* parent)
    : QWidget(parent),
      summary_(new QLabel(tr("Choose runs in the run table and Overlay (or Compare in its context menu)."), this)),
      settings_(makeTable(this)),
      metrics_(makeTable(this)),
      x_(new QComboBox(this)),
      y_(new QComboBox(this)),
      colourBy_(new QComboBox(this)),
      higherX_(new QCheckBox(tr("higher is better"), this)),
      higherY_(new QCheckBox(tr("higher is better"), this)),
      scatter_(new QCustomPlot(this)),
      parallel_(new QCustomPlot(this)) {
  summary_->setWordWrap(true);
  scatter_->setMinimumSize(200, 140);
  scatter_->legend->setVisible(true);
  scatter_->legend->setFont(QFont(font().family(), 8));
  scatter_->plotLayout()->insertRow(0);
  scatter_->plotLayout()->addElement(0, 0, new QCPTextElement(scatter_, tr("Runs and their Pareto front"),
                                                              QFont(font().family(), 10, QFont::Bold)));
  for (auto* box : {x_, y_}) {
    box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    box->setMinimumContentsLength(12);
    connect(box, &QComboBox::currentTextChanged, this, [this, box](const QString& metric) {
      // A new axis starts from its metric's usual direction.
      const QSignalBlocker block(box == x_ ? higherX_ : higherY_);
      (box == x_ ? higherX_ : higherY_)->setChecked(!lowerIsBetter(metric));
      redrawScatter();
    });
  }
  for (auto* c : {higherX_, higherY_}) connect(c, &QCheckBox::toggled, this, &CompareView::redrawScatter);
  colourBy_->setObjectName("compareColourBy");
  colourBy_->setToolTip(tr("One colour per run, or per value of a setting that differs between the runs"));
  colourBy_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  connect(colourBy_, &QComboBox::currentTextChanged, this, &CompareView::setColourBy);

  auto* axes = new QHBoxLayout;
  axes->addWidget(new QLabel(tr("x"), this));
  axes->addWidget(x_, 1);
  axes->addWidget(higherX_);
  axes->addWidget(new QLabel(tr("y"), this));
  axes->addWidget(y_, 1);
  axes->addWidget(higherY_);
  auto* right = new QWidget(this);
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  rightLayout->addLayout(axes);
  parallel_->setMinimumSize(200, 140);
  parallel_->plotLayout()->insertRow(0);
  parallel_->plotLayout()->addElement(0, 0, new QCPTextElement(parallel_, tr("Parallel coordinates (up is better)"),
                                                               QFont(font().family(), 10, QFont::Bold)));
  parallel_->yAxis->setVisible(false);
  parallel_->legend->setVisible(true);
  parallel_->legend->setFont(QFont(font().family(), 8));
  auto* plots = new QSplitter(Qt::Vertical, this);
  plots->addWidget(parallel_);
  plots->addWidget(scatter_);
  rightLayout->addWidget(plots, 1);
  auto* tables = new QSplitter(Qt::Vertical, this);
  tables->addWidget(settings_);
  tables->addWidget(metrics_);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(tables);
  split->addWidget(right);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  auto* top = new QHBoxLayout;
  top->addWidget(summary_, 1);
  top->addWidget(new QLabel(tr("Colour by"), this));
  top->addWidget(colourBy_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(split, 1);
}

void CompareView::showRuns(const QList<qlonglong>& runIds, const QString& storePath) {
  const RunStore store(storePath.toStdString(), /*readOnly=*/true);
  runs_.clear();
  for (qlonglong id : runIds)
    if (auto r = store.run(id)) runs_.push_back(std::move(*r));
  comparison_ = compareRuns(runs_);
  fillTables();
  coordinates_ = parallelCoordinates(comparison_, headlineMetrics(comparison_),
                                     [](const std::string& k) { return lowerIsBetter(QString::fromStdString(k)); });
  const QString x = x_->currentText(), y = y_->currentText();
  {
    const QSignalBlocker bx(x_), by(y_);
    x_->clear();
    y_->clear();
    for (const auto& [key, values] : comparison_.metrics) x_->addItem(q(key)), y_->addItem(q(key));
  }
  colours_ = fillColourBy(colourBy_, comparison_);
  redrawParallel();
  // Keep the axes chosen; else ε against accuracy, the study TrustLab exists for.
  setAxes(x_->findText(x) >= 0 ? x : x_->findText("privacy/epsilon") >= 0 ? "privacy/epsilon" : x_->itemText(0),
          y_->findText(y) >= 0 ? y : y_->findText("test/accuracy") >= 0 ? "test/accuracy" : y_->itemText(0));
  summary_->setText(tr("%n run(s): %1 setting(s) differ, %2 are the same; %3 metric(s).", nullptr, int(runs_.size()))
                        .arg(comparison_.differingSettings.size())
                        .arg(comparison_.sameSettings)
                        .arg(comparison_.metrics.size()));
}

void CompareView::setAxes(const QString& xMetric, const QString& yMetric) {
  for (auto [box, check, metric] : {std::tuple{x_, higherX_, xMetric}, std::tuple{y_, higherY_, yMetric}}) {
    const QSignalBlocker block(box), blockCheck(check);
    box->setCurrentText(metric);
    check->setChecked(!lowerIsBetter(metric));
  }
  redrawScatter();
}

void CompareView::setColourBy(const QString& setting) {
  if (colourBy_->currentText() != setting) {
    const QSignalBlocker block(colourBy_);
    colourBy_->setCurrentIndex(std::max(0, colourBy_->findText(setting)));
  }
  colours_ = colourBySetting(comparison_, colourBy_->currentText().toStdString());
  redraw();
}

void CompareView::redraw() {
  redrawParallel();
  redrawScatter();
}

int CompareView::colourOf(size_t run) const { return colours_.index.empty() ? int(run) : colours_.index[run]; }

QString CompareView::colourSuffix(size_t run) const {
  if (colours_.index.empty()) return {};
  return QString(" · %1=%2").arg(colourBy_->currentText(), q(colours_.values[size_t(colours_.index[run])]));
}

void CompareView::fillTables() {
  QStringList columns;
  for (const auto& r : runs_) columns << QString("#%1").arg(r.id);
  // The key in the first column (so that the CSV has it too), then one column per run.
  const auto fill = [&](QTableWidget* table, const QString& title, const auto& rows, auto format) {
    table->clear();
    table->setColumnCount(int(columns.size()) + 1);
    table->setHorizontalHeaderLabels(QStringList{title} + columns);
    for (int c = 0; c < int(runs_.size()); ++c)  // "#3" in the header, the run's name on hover
      table->horizontalHeaderItem(c + 1)->setToolTip(q(runs_[size_t(c)].name));
    table->setRowCount(int(rows.size()));
    int row = 0;
    for (const auto& [key, values] : rows) {
      table->setItem(row, 0, new QTableWidgetItem(q(key)));
      for (int c = 0; c < int(values.size()); ++c)
        table->setItem(row, c + 1, new QTableWidgetItem(values[size_t(c)] ? format(*values[size_t(c)]) : QString("—")));
      ++row;
    }
    table->resizeColumnsToContents();
  };
  fill(settings_, tr("setting that differs"), comparison_.differingSettings, [](const std::string& v) { return q(v); });
  fill(metrics_, tr("metric"), comparison_.metrics, [](double v) { return QString::number(v, 'g', 5); });
}

void CompareView::redrawScatter() {
  scatter_->clearGraphs();
  scatter_->clearItems();
  const auto column = [&](const QString& key) {
    std::vector<double> v(runs_.size(), std::nan(""));
    if (const auto it = comparison_.metrics.find(key.toStdString()); it != comparison_.metrics.end())
      for (size_t i = 0; i < v.size(); ++i) v[i] = it->second[i].value_or(std::nan(""));
    return v;
  };
  const auto xs = column(x_->currentText()), ys = column(y_->currentText());
  std::vector<std::pair<double, double>> points;
  for (size_t i = 0; i < runs_.size(); ++i) points.push_back({xs[i], ys[i]});
  front_ = paretoFront(points, higherX_->isChecked(), higherY_->isChecked());
  // The runs: one graph, or one per value of the colouring setting (its legend entry says which).
  std::vector<QCPGraph*> graphs(colours_.index.empty() ? 1 : colours_.values.size());
  for (size_t v = 0; v < graphs.size(); ++v) {
    graphs[v] = scatter_->addGraph();
    graphs[v]->setName(colours_.index.empty() ? tr("runs") : QString("%1=%2").arg(colourBy_->currentText(), q(colours_.values[v])));
    graphs[v]->setLineStyle(QCPGraph::lsNone);
    graphs[v]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, MetricPlot::paletteColor(int(v)), 7));
  }
  // The front: a dark dashed line through rings around its runs, whatever colours they have.
  auto* front = scatter_->addGraph();
  front->setName(tr("Pareto front"));
  front->setPen(QPen(QColor(40, 40, 40), 1.5, Qt::DashLine));
  front->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(40, 40, 40), 1.5), Qt::NoBrush, 12));
  std::vector<std::pair<double, double>> frontPoints;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) continue;
    graphs[colours_.index.empty() ? 0 : size_t(colours_.index[i])]->addData(xs[i], ys[i]);
    if (front_[i]) frontPoints.push_back(points[i]);
    auto* label = new QCPItemText(scatter_);
    label->position->setCoords(xs[i], ys[i]);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    label->setText(QString(" #%1").arg(runs_[i].id));
    label->setFont(QFont(font().family(), 8));
  }
  std::sort(frontPoints.begin(), frontPoints.end());
  for (const auto& [x, y] : frontPoints) front->addData(x, y);
  scatter_->xAxis->setLabel(x_->currentText() + (higherX_->isChecked() ? " ↑" : " ↓"));
  scatter_->yAxis->setLabel(y_->currentText() + (higherY_->isChecked() ? " ↑" : " ↓"));
  scatter_->rescaleAxes();
  for (auto* axis : {scatter_->xAxis, scatter_->yAxis}) axis->scaleRange(1.15, axis->range().center());
  scatter_->replot();
}

void CompareView::redrawParallel() {
  parallel_->clearGraphs();
  parallel_->clearItems();
  const auto& axes = coordinates_.axes;
  QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
  for (size_t a = 0; a < axes.size(); ++a) {
    ticks->addTick(double(a), q(axes[a].key) + (axes[a].metric ? (axes[a].flipped ? " ↓" : " ↑") : ""));
    auto* line = new QCPItemLine(parallel_);
    line->start->setCoords(double(a), 0);
    line->end->setCoords(double(a), 1);
    line->setPen(QPen(QColor(120, 120, 120), 1));
    // What the ends of the axis mean: its range, or its first and last category.
    const auto& ax = axes[a];
    const QString bottom = ax.categories.empty() ? QString::number(ax.low, 'g', 4) : q(ax.categories.front());
    const QString top = ax.categories.empty() ? QString::number(ax.high, 'g', 4) : q(ax.categories.back());
    for (auto [text, y, align] : {std::tuple{bottom, 0.0, Qt::AlignTop}, std::tuple{top, 1.0, Qt::AlignBottom}}) {
      auto* label = new QCPItemText(parallel_);
      label->position->setCoords(double(a), y);
      label->setPositionAlignment(Qt::AlignHCenter | align);
      label->setText(text);
      label->setFont(QFont(font().family(), 7));
    }
  }
  parallel_->xAxis->setTicker(ticks);
  parallel_->xAxis->setTickLabelRotation(axes.size() > 4 ? 20 : 0);
  for (size_t r = 0; r < runs_.size() && r < coordinates_.lines.size(); ++r) {
    auto* g = parallel_->addGraph();
    g->setName(QString("#%1").arg(runs_[r].id) + colourSuffix(r));  // the names are in the tables beside it
    g->setPen(QPen(MetricPlot::paletteColor(colourOf(r)), 2));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    for (size_t a = 0; a < coordinates_.lines[r].size(); ++a)
      if (std::isfinite(coordinates_.lines[r][a])) g->addData(double(a), coordinates_.lines[r][a]);
  }
  parallel_->xAxis->setRange(-0.4, std::max<double>(1, double(axes.size()) - 0.6));
  parallel_->yAxis->setRange(-0.12, 1.12);
  parallel_->legend->setVisible(!runs_.empty());
  parallel_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  parallel_->replot();
}

QStringList CompareView::exportAll(const QString& basePath, double widthPt, double heightPt) {
  if (runs_.empty()) return {};
  PlotDescription d;
  d.title = "Runs and their Pareto front";
  d.xLabel = x_->currentText().toStdString();
  d.yLabel = y_->currentText().toStdString();
  for (int i = 0; i < scatter_->graphCount(); ++i) {
    const auto* g = scatter_->graph(i);
    PlotSeries s{g->name().toStdString(), {}, {}, g->scatterStyle().pen().color().name().toStdString()};
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) s.x.push_back(it->key), s.y.push_back(it->value);
    d.series.push_back(s);
  }
  QStringList written = exportPlot(scatter_, d, basePath + "-compare-scatter", widthPt, heightPt);
  PlotDescription p;
  p.title = "Parallel coordinates (each axis scaled to its range, up is better)";
  p.xLabel = "axis";
  p.yLabel = "position";
  for (int i = 0; i < parallel_->graphCount(); ++i) {
    const auto* g = parallel_->graph(i);
    PlotSeries s{g->name().toStdString(), {}, {}, g->pen().color().name().toStdString()};
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) s.x.push_back(it->key), s.y.push_back(it->value);
    p.series.push_back(s);
  }
  written << exportPlot(parallel_, p, basePath + "-compare-parallel", widthPt, heightPt);
  written << writeTableCsv(basePath + "-compare-settings.csv", settings_)
          << writeTableCsv(basePath + "-compare-metrics.csv", metrics_);
  return written;
}

}  // namespace trustlab
