#include "training_view.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QSplitter>
#include <QVBoxLayout>

#include "colour_by.h"
#include "store/run_comparison.h"
#include "store/run_store.h"
#include "metric_plot.h"

namespace trustlab {
namespace {
QString clock(double s) {
  if (!(s >= 0) || s > 1e7) return "--:--";
  const long t = long(s + 0.5);
  return QString("%1:%2").arg(t / 60, 2, 10, QChar('0')).arg(t % 60, 2, 10, QChar('0'));
}
}  // namespace

TrainingView::TrainingView(QWidget* parent)
    : QWidget(parent),
      loss_(new MetricPlot(tr("Loss"), tr("step"), tr("cross-entropy"), this)),
      accuracy_(new MetricPlot(tr("Accuracy"), tr("step"), tr("accuracy"), this)),
      epsilon_(new MetricPlot(tr("Privacy spent"), tr("step"), tr("ε"), this)),
      progress_(new QProgressBar(this)),
      status_(new QLabel(tr("Design an experiment and press Start."), this)),
      colourBy_(new QComboBox(this)) {
  colourBy_->setObjectName("colourBy");
  colourBy_->addItem(tr("run"));
  colourBy_->setToolTip(tr("Overlaid runs: one colour per run, or per value of a setting that differs between them"));
  colourBy_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  connect(colourBy_, &QComboBox::currentTextChanged, this, [this] {
    if (!shownRuns_.isEmpty()) showStoredRuns(shownRuns_, shownStore_);
  });
  accuracy_->setLegendCorner(Qt::AlignRight | Qt::AlignBottom);
  connect(loss_, &MetricPlot::smoothingChanged, accuracy_, &MetricPlot::setSmoothing);
  connect(accuracy_, &MetricPlot::smoothingChanged, loss_, &MetricPlot::setSmoothing);
  // Side by side: the window is wider than tall, and three stacked plots leave each a sliver.
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(loss_);
  splitter->addWidget(accuracy_);
  splitter->addWidget(epsilon_);
  epsilon_->setSmoothingOffered(false);  // ε is exact
  epsilon_->setLegendCorner(Qt::AlignRight | Qt::AlignBottom);
  epsilon_->hide();  // shown when a private run reports ε
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  progress_->setFormat("%p%");
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(splitter, 1);
  layout->addWidget(progress_);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(status_, 1);
  bottom->addWidget(new QLabel(tr("Colour by"), this));
  bottom->addWidget(colourBy_);
  layout->addLayout(bottom);
}

void TrainingView::clear() {
  loss_->clearSeries();
  accuracy_->clearSeries();
  epsilon_->clearSeries();
  epsilon_->hide();
  series_.clear();
  runColours_.clear();
  runNames_.clear();
}

void TrainingView::beginLiveRun(const QString& runName) {
  shownRuns_.clear();
  clear();
  liveName_ = runName;
  progress_->setValue(0);
  status_->setText(tr("Starting…"));
}

QString TrainingView::runLabel(qlonglong runId) const {
  const QString name = runNames_.value(runId, liveName_);
  return name.isEmpty() ? tr("run %1").arg(runId) : QString("#%1 %2").arg(runId).arg(name);
}

TrainingView::Target TrainingView::seriesFor(qlonglong runId, const QString& key) {
  const auto id = qMakePair(runId, key);
  if (auto it = series_.find(id); it != series_.end()) return *it;
  const bool isEpsilon = key == "privacy/epsilon";
  const bool isLoss = key.endsWith("/loss");
  const bool isAccuracy = key.endsWith("/accuracy");
  const bool train = key.startsWith("train/"), valid = key.startsWith("valid/");
  if (!isEpsilon && (!(isLoss || isAccuracy) || !(train || valid))) return {};
  if (!runColours_.contains(runId)) runColours_[runId] = int(runColours_.size());  // by run
  if (isEpsilon) {
    if (epsilon_->isHidden()) {
      epsilon_->show();
      auto* splitter = static_cast<QSplitter*>(epsilon_->parentWidget());
      splitter->setSizes({1, 1, 1});  // a third each, not the sliver a shown widget gets
    }
    Target t{epsilon_, epsilon_->addSeries(runLabel(runId) + " ε", MetricPlot::paletteColor(runColours_[runId]))};
    series_.insert(id, t);
    return t;
  }
  Target t;
  t.plot = isLoss ? loss_ : accuracy_;
  const QString name = runLabel(runId) + (train ? tr(" train") : tr(" valid"));
  t.series = t.plot->addSeries(name, MetricPlot::paletteColor(runColours_[runId]), train ? Qt::SolidLine : Qt::DashLine);
  series_.insert(id, t);
  return t;
}

void TrainingView::addMetric(qlonglong runId, const QString& key, qlonglong step, double value) {
  const auto t = seriesFor(runId, key);
  if (t.plot) t.plot->appendPoint(t.series, double(step), value);
  if (key == "valid/accuracy") status_->setText(tr("run %1: valid accuracy %2 at step %3").arg(runId).arg(value, 0, 'f', 4).arg(step));
}

void TrainingView::setProgress(qlonglong step, qlonglong total, int epoch, int epochs, double elapsed, double eta) {
  progress_->setValue(total > 0 ? int(1000 * step / total) : 0);
  progress_->setFormat(tr("epoch %1/%2 · step %3/%4 · %5 elapsed · ETA %6")
                           .arg(epoch).arg(epochs).arg(step).arg(total).arg(clock(elapsed), clock(eta)));
}

void TrainingView::setStatus(const QString& text) { status_->setText(text); }
QString TrainingView::status() const { return status_->text(); }

void TrainingView::showStoredRuns(const QList<qlonglong>& runIds, const QString& storePath) {
  clear();
  shownRuns_ = runIds;
  shownStore_ = storePath;
  const RunStore store(storePath.toStdString(), true);
  std::vector<RunRecord> runs;
  for (qlonglong id : runIds)
    if (auto run = store.run(id)) runs.push_back(std::move(*run));
  // What the runs can be coloured by: the settings that differ between them.
  const auto comparison = compareRuns(runs);
  const auto colours = fillColourBy(colourBy_, comparison);
  for (size_t i = 0; i < runs.size(); ++i) {
    QString name = QString::fromStdString(runs[i].name);
    if (!colours.index.empty()) {
      runColours_[runs[i].id] = colours.index[i];
      name += QString(" · %1=%2").arg(colourBy_->currentText(), QString::fromStdString(colours.values[size_t(colours.index[i])]));
    }
    runNames_[runs[i].id] = name;
  }
  for (qlonglong id : runIds)
    for (const char* key : {"train/loss", "valid/loss", "train/accuracy", "valid/accuracy", "privacy/epsilon"}) {
      const auto history = store.metricHistory(id, key);
      if (history.empty()) continue;
      const auto t = seriesFor(id, key);
      QVector<double> x, y;
      for (const auto& p : history) {
        x << double(p.step);
        y << p.value;
      }
      t.plot->setData(t.series, x, y);
    }
  status_->setText(tr("Showing %n stored run(s)", nullptr, int(runIds.size())));
}

QStringList TrainingView::exportAll(const QString& basePath, double widthPt, double heightPt) {
  auto files = loss_->exportAll(basePath + "-loss", widthPt, heightPt) +
               accuracy_->exportAll(basePath + "-accuracy", widthPt, heightPt);
  if (epsilon_->seriesCount() > 0) files += epsilon_->exportAll(basePath + "-epsilon", widthPt, heightPt);
  return files;
}

}  // namespace trustlab
