#include "tradeoff_view.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include "audits/audit.h"
#include "audits/membership_audit.h"
#include "export_dialog.h"
#include "message_box.h"
#include "metric_plot.h"
#include "plot_exporter.h"
#include "privacy/calibration.h"
#include "sweep_worker.h"
#include "training/auto_hyperparameters.h"

namespace trustlab {
namespace {

/// Utility metrics, then the privacy audits' headline metrics (declared by each audit).
std::vector<AuditMetricColumn> utilityMetrics() { return {{"test/accuracy", "accuracy", ""}, {"test/macro_f1", "macro-F1", ""}}; }
std::vector<AuditMetricColumn> leakageMetrics() { return auditMetricColumns(AuditFamily::Privacy, true); }
/// Every privacy audit's empirical ε lower bound (the metrics measured in ε).
std::vector<AuditMetricColumn> epsilonMetrics() {
  auto all = auditMetricColumns(AuditFamily::Privacy, false);
  all.erase(std::remove_if(all.begin(), all.end(), [](const AuditMetricColumn& m) { return m.unit != kEpsilonUnit; }),
            all.end());
  return all;
}

/// A metric with a unit (exposure in bits) is on another scale than rates and AUCs: right axis.
bool onRightAxis(const std::string& key) {
  for (const auto& m : leakageMetrics())
    if (m.key == key) return !m.unit.empty();
  return false;
}

constexpr int kTradeoffSliderSteps = 200;
constexpr double kRocFloor = 1e-4;  // log axes cannot show 0

QCustomPlot* makePlot(const QString& title, const QString& x, const QString& y, bool logX, bool logY, QWidget* parent) {
  auto* p = new QCustomPlot(parent);
  p->plotLayout()->insertRow(0);
  p->plotLayout()->addElement(0, 0, new QCPTextElement(p, title, QFont(p->font().family(), 10, QFont::Bold)));
  p->xAxis->setLabel(x);
  p->yAxis->setLabel(y);
  for (auto [axis, log] : {std::pair{p->xAxis, logX}, std::pair{p->yAxis, logY}}) {
    if (!log) continue;
    axis->setScaleType(QCPAxis::stLogarithmic);
    axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  }
  p->legend->setVisible(true);
  p->legend->setFont(QFont(p->font().family(), 8));
  p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  p->setMinimumSize(220, 140);
  p->setContextMenuPolicy(Qt::CustomContextMenu);
  return p;
}

/// `unitOnRight`: a metric with a unit is drawn on the right axis, and its name says so.
std::vector<TradeoffSeries> seriesFor(const std::vector<SweepCell>& cells, const QString& group,
                                      const std::vector<AuditMetricColumn>& metrics, const std::string& xAxis,
                                      bool unitOnRight = true) {
  std::vector<TradeoffSeries> out;
  for (const auto& m : metrics) {
    auto s = tradeoffSeries(cells, group.toStdString(), m.key, xAxis);
    s.name = m.unit.empty() || !unitOnRight ? m.label : m.label + " (" + m.unit + ", right)";
    if (!s.x.empty() || s.hasNonPrivate) out.push_back(std::move(s));
  }
  return out;
}

void setLogX(QCustomPlot* plot, bool log) {
  plot->xAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
}

}  // namespace

TradeoffView::TradeoffView(QWidget* parent)
    : QWidget(parent),
      group_(new QComboBox(this)),
      xAxis_(new QComboBox(this)),
      open_(new QPushButton(tr("Open sweep…"), this)),
      new_(new QPushButton(tr("New sweep…"), this)),
      run_(new QPushButton(tr("Run / resume"), this)),
      stop_(new QPushButton(tr("Stop"), this)),
      export_(new QPushButton(tr("Export plots…"), this)),
      progress_(new QProgressBar(this)),
      status_(new QLabel(tr("Open a sweep spec (see README: sweeps) to run a privacy/utility/leakage grid."), this)),
      readout_(new QLabel(this)),
      slider_(new QSlider(Qt::Horizontal, this)),
      worker_(new SweepWorker) {
  utility_ = makePlot(tr("Utility"), tr("ε (log)"), tr("test score"), true, false, this);
  leakage_ = makePlot(tr("Measured leakage"), tr("ε (log)"), tr("rate / AUC"), true, false, this);
  empirical_ = makePlot(tr("Empirical ε vs theory"), tr("ε (log)"), tr("empirical ε (lower bound)"), true, false, this);
  empirical_->setToolTip(tr("Each attack's ε lower bound (Clopper–Pearson, 95 %) against the training's ε: a point "
                            "above the y = x line would be a privacy bug"));
  roc_ = makePlot(tr("Membership inference ROC"), tr("false positive rate"), tr("true positive rate"), true, true, this);
  leakage_->yAxis2->setLabel(tr("exposure (bits)"));
  status_->setWordWrap(true);
  readout_->setWordWrap(true);
  readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  slider_->setRange(0, kTradeoffSliderSteps);
  slider_->setToolTip(tr("ε on a log scale: marks the interpolated utility and leakage and the σ it needs"));
  stop_->setEnabled(false);
  run_->setEnabled(false);
  progress_->setFormat("%v / %m points");
  progress_->setMinimumWidth(60);
  group_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  group_->setMinimumContentsLength(10);

  auto* bar = new QHBoxLayout;
  bar->addWidget(open_);
  bar->addWidget(new_);
  new_->setToolTip(tr("A sweep over the designer's experiment: any fields as axes (ε, lr, clip, model, …), seeds, "
                      "grid or random search, audits on every point"));
  bar->addWidget(run_);
  bar->addWidget(stop_);
  group_->setToolTip(tr("The dataset, model and other swept settings whose points are plotted"));
  xAxis_->setToolTip(tr("What the x axis shows: ε, or any other swept number field"));
  xAxis_->setObjectName("tradeoffXAxis");
  bar->addWidget(new QLabel(tr("x:"), this));
  bar->addWidget(xAxis_);
  bar->addWidget(group_, 1);
  bar->addWidget(progress_, 1);
  bar->addWidget(export_);
  auto* sliderRow = new QHBoxLayout;
  sliderRow->addWidget(new QLabel(tr("ε"), this));
  sliderRow->addWidget(slider_, 1);
  auto* grid = new QGridLayout;
  grid->addWidget(utility_, 0, 0);
  grid->addWidget(leakage_, 0, 1);
  grid->addWidget(empirical_, 0, 2);
  grid->addWidget(roc_, 1, 0);
  auto* side = new QVBoxLayout;
  side->addLayout(sliderRow);
  side->addWidget(readout_, 1);
  grid->addLayout(side, 1, 1, 1, 2);
  for (int column = 0; column < 3; ++column) grid->setColumnStretch(column, 1);
  grid->setRowStretch(0, 1);
  grid->setRowStretch(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(status_);
  layout->addLayout(grid, 1);

  for (auto [plot, title] : {std::pair{utility_, tr("utility")}, std::pair{leakage_, tr("leakage")},
                             std::pair{empirical_, tr("empirical-epsilon")}, std::pair{roc_, tr("roc")}})
    connect(plot, &QWidget::customContextMenuRequested, this,
            [this, plot = plot, title = title](const QPoint&) { exportPlotWithDialog(plot, title); });
  connect(open_, &QPushButton::clicked, this, [this] {
    const auto path = QFileDialog::getOpenFileName(this, tr("Open sweep spec"), QFileInfo(sweepPath_).path(),
                                                   tr("Sweep spec (*.json)"));
    if (!path.isEmpty()) openSweep(path);
  });
  connect(new_, &QPushButton::clicked, this, &TradeoffView::newSweepRequested);
  connect(run_, &QPushButton::clicked, this, &TradeoffView::startSweep);
  connect(export_, &QPushButton::clicked, this, [this] {
    exportWithDialog(this, tr("tradeoff"), [this](const ExportRequest& r) { return exportAll(r.basePath, r.widthPt, r.heightPt); });
  });
  connect(stop_, &QPushButton::clicked, this, &TradeoffView::stopSweep);
  connect(group_, &QComboBox::currentTextChanged, this, [this] { redraw(); });
  connect(xAxis_, &QComboBox::currentTextChanged, this, [this] {
    fillGroups();
    redraw();
  });
  connect(slider_, &QSlider::valueChanged, this, [this] { updateMarker(); });
  // A sweep may also be running elsewhere (trustlab-cli sweep on the same store): poll for new
  // finished points while the tab is visible, redrawing only when there are some.
  poll_.setInterval(5000);
  connect(&poll_, &QTimer::timeout, this, [this] {
    if (isVisible() && !running_) reload(false);
  });
  poll_.start();

  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(this, &TradeoffView::runSweep, worker_, &SweepWorker::run);
  connect(worker_, &SweepWorker::message, status_, &QLabel::setText);
  connect(worker_, &SweepWorker::pointDone, this, [this](int index, int total, qlonglong, bool) {
    progress_->setRange(0, total);
    progress_->setValue(index + 1);
    refresh();
  });
  auto done = [this](const QString& text, bool cancelled) {
    running_ = false;
    run_->setEnabled(true);
    stop_->setEnabled(false);
    open_->setEnabled(true);
    new_->setEnabled(true);
    status_->setText(text);
    refresh();
    Q_EMIT sweepFinished(cancelled);
  };
  connect(worker_, &SweepWorker::finished, this, [done](bool cancelled, int ran, int reused, double seconds) {
    done((cancelled ? tr("Sweep stopped: press Run to resume. ") : tr("Sweep finished. ")) +
             tr("%1 runs trained, %2 already done, %3 s.").arg(ran).arg(reused).arg(seconds, 0, 'f', 1),
         cancelled);
  });
  connect(worker_, &SweepWorker::failed, this, [done](const QString& e, bool) { done(tr("Sweep failed: %1").arg(e), true); });
  thread_.start();
}

TradeoffView::~TradeoffView() {
  worker_->requestStop();
  thread_.quit();
  thread_.wait();
}

void TradeoffView::setStorePath(const QString& path) {
  storePath_ = path;
  const auto last = QSettings().value("tradeoff/sweep").toString();
  if (sweepPath_.isEmpty() && !last.isEmpty() && QFile::exists(last)) openSweep(last);
  else refresh();
}

bool TradeoffView::openSweep(const QString& path) {
  try {
    sweep_ = SweepSpec::fromFile(path.toStdString());
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot open sweep: %1").arg(e.what()));
    showError(this, tr("Cannot open sweep"), QString::fromStdString(e.what()));
    return false;
  }
  sweepPath_ = path;
  QSettings().setValue("tradeoff/sweep", path);
  const int total = int(expandSweep(sweep_).size());
  progress_->setRange(0, total);
  progress_->setValue(0);
  run_->setEnabled(!running_);
  status_->setText(tr("Sweep '%1': %2 grid points (%3). Run trains what the store does not hold yet.")
                       .arg(QString::fromStdString(sweep_.name))
                       .arg(total)
                       .arg(QFileInfo(path).fileName()));
  refresh();
  return true;
}

bool TradeoffView::saveSweep(const SweepSpec& sweep, const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(QByteArray::fromStdString(sweep.toJson())) < 0) {
    status_->setText(tr("Cannot write %1: %2").arg(path, f.errorString()));
    showError(this, tr("Cannot save sweep"), status_->text());
    return false;
  }
  f.close();
  return openSweep(path);
}

bool TradeoffView::setXAxis(const QString& axis) {
  const int i = xAxis_->findText(axis);
  if (i < 0) return false;
  xAxis_->setCurrentIndex(i);
  return true;
}

std::string TradeoffView::xAxis() const {
  return xAxis_->currentText().isEmpty() ? std::string(kEpsilonAxis) : xAxis_->currentText().toStdString();
}

void TradeoffView::fillGroups() {
  QStringList groups;
  for (const auto& g : tradeoffGroups(cells_, xAxis())) groups << QString::fromStdString(g);
  const QString current = group_->currentText();
  const QSignalBlocker block(group_);
  group_->clear();
  group_->addItems(groups);
  if (groups.contains(current)) group_->setCurrentText(current);
}

void TradeoffView::startSweep() {
  if (running_ || sweepPath_.isEmpty() || storePath_.isEmpty()) return;
  running_ = true;
  run_->setEnabled(false);
  open_->setEnabled(false);
  new_->setEnabled(false);
  stop_->setEnabled(true);
  status_->setText(tr("Sweep '%1' running…").arg(QString::fromStdString(sweep_.name)));
  Q_EMIT runSweep(sweepPath_, storePath_);
}

void TradeoffView::stopSweep() {
  worker_->requestStop();
  status_->setText(tr("Stopping after the current step…"));
}

void TradeoffView::refresh() { reload(true); }

void TradeoffView::reload(bool force) {
  if (storePath_.isEmpty() || sweepPath_.isEmpty()) return;
  std::vector<SweepCell> cells;
  try {
    const RunStore store(storePath_.toStdString(), /*readOnly=*/true);
    cells = summarizeSweep(store, sweep_.name);
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot read the store: %1").arg(e.what()));
    return;
  }
  auto runsOf = [](const std::vector<SweepCell>& cs) {
    std::vector<long long> ids;
    for (const auto& c : cs) ids.insert(ids.end(), c.runIds.begin(), c.runIds.end());
    return ids;
  };
  if (!cells_.empty() && runsOf(cells) == runsOf(cells_) && cells.size() == cells_.size() && !force) return;
  cells_ = std::move(cells);
  {
    QStringList axes;
    for (const auto& a : tradeoffAxes(cells_)) axes << QString::fromStdString(a);
    const QString current = xAxis_->currentText();
    const QSignalBlocker block(xAxis_);
    xAxis_->clear();
    xAxis_->addItems(axes);
    if (axes.contains(current)) xAxis_->setCurrentText(current);
  }
  fillGroups();
  int finished = 0;
  for (const auto& c : cells_) finished += c.runs;
  if (!running_) progress_->setValue(std::min(finished, progress_->maximum()));
  redraw();
}

std::vector<TradeoffSeries> TradeoffView::utilitySeries() const {
  return seriesFor(cells_, group_->currentText(), utilityMetrics(), xAxis());
}

std::vector<TradeoffSeries> TradeoffView::leakageSeries() const {
  return seriesFor(cells_, group_->currentText(), leakageMetrics(), xAxis());
}

std::vector<TradeoffSeries> TradeoffView::empiricalEpsilonSeries() const {
  return seriesFor(cells_, group_->currentText(), epsilonMetrics(), kEpsilonAxis, false);
}

void TradeoffView::drawEmpiricalEpsilon() {
  const auto series = empiricalEpsilonSeries();
  drawSeries(empirical_, series, false, kEpsilonAxis);
  const auto line = theoryLine(series);
  if (!line.x.empty()) {
    auto* g = empirical_->addGraph();
    g->setName(QString::fromStdString(line.name));
    g->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    g->setData(QVector<double>(line.x.begin(), line.x.end()), QVector<double>(line.y.begin(), line.y.end()), true);
    empirical_->yAxis->setRange(0, 1.1 * std::max(line.y.back(), empirical_->yAxis->range().upper));
  }
  empirical_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  empirical_->replot();
}

void TradeoffView::drawSeries(QCustomPlot* plot, const std::vector<TradeoffSeries>& series, bool rightAxis,
                              const std::string& axis) {
  plot->clearGraphs();
  plot->clearPlottables();
  auto [lo, hi] = xRange(series);
  if (!(hi >= lo)) lo = 0.1, hi = 10;
  // ε on a log axis; another field too when its values are positive and span a decade.
  const bool logX = axis == kEpsilonAxis || (lo > 0 && hi / lo >= 10);
  setLogX(plot, logX);
  plot->xAxis->setLabel(axis == kEpsilonAxis ? tr("ε (log)") : QString::fromStdString(axis) + (logX ? tr(" (log)") : ""));
  const double pad = logX ? 0 : std::max(1e-9, (hi - lo) * 0.1);
  const double from = logX ? lo / 1.5 : lo - pad, to = logX ? hi * 1.5 : hi + pad;
  plot->yAxis2->setVisible(false);
  for (size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    const bool right = rightAxis && onRightAxis(s.metric);
    QCPAxis* valueAxis = right ? plot->yAxis2 : plot->yAxis;
    if (right) plot->yAxis2->setVisible(true);
    const QColor color = MetricPlot::paletteColor(int(i));
    auto* g = plot->addGraph(plot->xAxis, valueAxis);
    g->setName(QString::fromStdString(s.name));
    g->setPen(QPen(color, 2));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    g->setData(QVector<double>(s.x.begin(), s.x.end()), QVector<double>(s.mean.begin(), s.mean.end()), true);
    auto* err = new QCPErrorBars(plot->xAxis, valueAxis);
    err->removeFromLegend();
    err->setDataPlottable(g);
    err->setData(QVector<double>(s.std.begin(), s.std.end()));
    err->setPen(QPen(color, 1));
    if (s.hasNonPrivate) {
      auto* np = plot->addGraph(plot->xAxis, valueAxis);
      np->setName(QString::fromStdString(s.name) + tr(" (ε = ∞)"));
      np->setPen(QPen(color, 1.5, Qt::DashLine));
      np->setData({from, to}, {s.nonPrivateMean, s.nonPrivateMean});
    }
  }
  plot->xAxis->setRange(from, to);
  // Ticks at the measured values: what a reader wants to look up on a sparse axis.
  QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
  for (const auto& s : series)
    for (double e : s.x) ticks->addTick(e, QString::number(e, 'g', 3));
  if (!ticks->ticks().isEmpty()) plot->xAxis->setTicker(ticks);
  plot->yAxis->rescale(true);
  if (rightAxis) plot->yAxis2->rescale(true);
  for (auto* axis : {plot->yAxis, plot->yAxis2}) {
    const auto r = axis->range();
    axis->setRange(r.lower - 0.05 * (r.size() + 1e-3), r.upper + 0.05 * (r.size() + 1e-3));
  }
}

void TradeoffView::drawRoc() {
  roc_->clearGraphs();
  if (storePath_.isEmpty() || cells_.empty()) return;
  const std::string group = group_->currentText().toStdString(), x = xAxis();
  std::vector<double> grid;
  for (int i = 0; i <= 80; ++i) grid.push_back(std::pow(10.0, -4 + 4.0 * i / 80));
  int k = 0;
  const double delta = sweep_.base.training.privacy.delta;
  for (const auto& c : cells_) {
    if (tradeoffGroup(c, x) != group) continue;
    const QColor color = MetricPlot::paletteColor(k++);
    const QString eps = std::isinf(c.epsilon) ? QStringLiteral("∞") : QString::number(c.epsilon);
    const auto setting = c.settings.find(x);
    const QString point = setting == c.settings.end() ? tr("ε = %1").arg(eps)
                                                      : QString::fromStdString(x + " = " + setting->second);
    // One seed's curve, of the strongest attack that was run on it (highest AUC).
    nlohmann::json best;
    QString bestAttack;
    for (const auto& attack : membershipAttackRegistry().names()) {
      QFile f(QString::fromStdString(auditArtifactPath(storePath_.toStdString(), c.runIds.back(), rocFileName(attack))));
      if (!f.open(QIODevice::ReadOnly)) continue;
      auto j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
      if (j.is_discarded() || !j.contains("roc") || !j.contains("auc") || !j["auc"].is_number()) continue;
      if (best.is_null() || j["auc"].get<double>() > best["auc"].get<double>()) {
        best = std::move(j);
        bestAttack = QString::fromStdString(attack);
      }
    }
    if (!best.is_null()) {
      QVector<double> x, y;
      const auto& fpr = best["roc"]["fpr"];
      const auto& tpr = best["roc"]["tpr"];
      for (size_t i = 0; i < fpr.size(); ++i) {
        x << std::max(kRocFloor, fpr[i].get<double>());
        y << std::max(kRocFloor, tpr[i].get<double>());
      }
      auto* g = roc_->addGraph();
      g->setName(tr("%1 (%2)").arg(point, bestAttack));
      g->setPen(QPen(color, 2));
      g->setData(x, y, true);
    }
    if (std::isinf(c.epsilon) || !(c.epsilon > 0)) continue;
    const auto bound = dpTprBound(c.epsilon, delta, grid);
    auto* b = roc_->addGraph();
    b->setName(tr("(ε = %1, δ)-DP bound").arg(eps));
    b->setPen(QPen(color, 1, Qt::DashLine));
    b->setData(QVector<double>(grid.begin(), grid.end()), QVector<double>(bound.begin(), bound.end()), true);
  }
  auto* chance = roc_->addGraph();
  chance->setName(tr("chance"));
  chance->setPen(QPen(Qt::gray, 1, Qt::DotLine));
  chance->setData({kRocFloor, 1}, {kRocFloor, 1});
  roc_->xAxis->setRange(kRocFloor, 1);
  roc_->yAxis->setRange(kRocFloor, 1);
  roc_->legend->setVisible(roc_->graphCount() > 1);
  roc_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
}

void TradeoffView::redraw() {
  drawSeries(utility_, utilitySeries(), false, xAxis());
  drawSeries(leakage_, leakageSeries(), true, xAxis());
  drawEmpiricalEpsilon();
  utility_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
  leakage_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  drawRoc();
  updateMarker();
  roc_->replot();
}

double TradeoffView::sliderEpsilon() const {
  double lo = INFINITY, hi = 0;
  for (const auto& c : cells_)
    if (!std::isinf(c.epsilon) && c.epsilon > 0) lo = std::min(lo, c.epsilon), hi = std::max(hi, c.epsilon);
  if (!(hi > 0)) lo = 0.1, hi = 10;
  if (hi == lo) lo /= 2, hi *= 2;
  return lo * std::pow(hi / lo, double(slider_->value()) / kTradeoffSliderSteps);
}

void TradeoffView::updateMarker() {
  slider_->setEnabled(xAxis() == kEpsilonAxis);
  if (xAxis() != kEpsilonAxis) {
    for (auto* plot : {utility_, leakage_}) {
      plot->clearItems();
      plot->replot();
    }
    readout_->setText(tr("The ε marker and the σ it needs follow ε: choose ε on the x axis."));
    return;
  }
  const double eps = sliderEpsilon();
  QStringList lines{tr("<b>ε = %1</b> (δ = %2)").arg(eps, 0, 'g', 3).arg(sweep_.base.training.privacy.delta, 0, 'g', 2)};
  for (auto* plot : {utility_, leakage_}) {
    plot->clearItems();
    auto* line = new QCPItemStraightLine(plot);
    line->point1->setCoords(eps, 0);
    line->point2->setCoords(eps, 1);
    line->setPen(QPen(QColor(80, 80, 80), 1, Qt::DashDotLine));
  }
  for (const auto& list : {utilitySeries(), leakageSeries()})
    for (const auto& s : list) {
      const double v = interpolateAtEpsilon(s, eps);
      QString line = QString::fromStdString(s.name) + ": " +
                     (std::isfinite(v) ? QString::number(v, 'f', 4) : tr("outside the measured ε range"));
      if (s.hasNonPrivate) line += tr(" (non-private %1)").arg(s.nonPrivateMean, 0, 'f', 4);
      lines << line;
    }
  // σ for this ε under the sweep's own sampling: q = batch / N, steps from its epochs.
  const std::string group = group_->currentText().toStdString();
  for (const auto& c : cells_) {
    if (tradeoffGroup(c) != group) continue;
    try {
      TrainConfig t = sweep_.base.training;  // auto fields as a run at this ε would choose them
      t.privacy.targetEpsilon = eps;
      t.privacy.enable();
      chooseHyperparameters(t, c.trainExamples);
      const double q = std::min(1.0, double(t.batchSize) / double(std::max(1L, c.trainExamples)));
      const long steps = t.maxSteps > 0 ? t.maxSteps : stepsForEpochs(t.epochs, q);
      const auto cal = calibrateNoise(eps, t.privacy.delta, q, steps, t.privacy.accountant);
      lines << tr("needs σ = %1 (q = %2, %3 steps, %4)")
                   .arg(cal.noiseMultiplier, 0, 'f', 3)
                   .arg(q, 0, 'g', 3)
                   .arg(steps)
                   .arg(QString::fromStdString(t.privacy.accountant));
    } catch (const std::exception& e) {
      lines << tr("σ unavailable: %1").arg(e.what());
    }
    break;
  }
  readout_->setText(lines.join("<br>"));
  utility_->replot();
  leakage_->replot();
}

PlotDescription TradeoffView::rocDescription() const {
  PlotDescription d{"Membership inference ROC", "false positive rate", "true positive rate", {}, true, true};
  for (int i = 0; i < roc_->graphCount(); ++i) {
    const auto* g = roc_->graph(i);
    PlotSeries s{g->name().toStdString(), {}, {}, g->pen().color().name().toStdString(), g->pen().style() != Qt::SolidLine, false};
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
      s.x.push_back(it->key);
      s.y.push_back(it->value);
    }
    d.series.push_back(std::move(s));
  }
  return d;
}

QStringList TradeoffView::exportAll(const QString& basePath, double widthPt, double heightPt) {
  return exportPlot(utility_, describeTradeoff(utilitySeries(), "Utility", "test score", xAxis()), basePath + "-utility",
                    widthPt, heightPt) +
         exportPlot(leakage_, describeTradeoff(leakageSeries(), "Measured leakage", "rate / AUC / bits", xAxis()),
                    basePath + "-leakage", widthPt, heightPt) +
         exportPlot(empirical_, describeEmpiricalEpsilon(empiricalEpsilonSeries()), basePath + "-empirical-epsilon",
                    widthPt, heightPt) +
         exportPlot(roc_, rocDescription(), basePath + "-roc", widthPt, heightPt);
}

void TradeoffView::exportPlotWithDialog(QCustomPlot* plot, const QString& title) {
  exportWithDialog(this, title, [this, plot](const ExportRequest& r) {
    const auto data = plot == roc_         ? rocDescription()
                      : plot == utility_   ? describeTradeoff(utilitySeries(), "Utility", "test score", xAxis())
                      : plot == empirical_ ? describeEmpiricalEpsilon(empiricalEpsilonSeries())
                                           : describeTradeoff(leakageSeries(), "Measured leakage", "rate / AUC / bits", xAxis());
    return exportPlot(plot, data, r);
  });
}

}  // namespace trustlab
