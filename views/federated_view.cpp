#include "federated_view.h"

#include <QFile>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <algorithm>
#include <map>
#include <numeric>
#include <nlohmann/json.hpp>

#include "store/run_store.h"
#include "experiment/runner.h"
#include "training/objective.h"
#include "metric_plot.h"

namespace trustlab {
namespace {

QVector<double> numbers(const nlohmann::json& values) {
  QVector<double> v;
  for (const auto& x : values) v << x.get<double>();
  return v;
}

/// A run's objective (runs stored before objectives classify). Federated runs are compared by
/// its headline metric: accuracy for classifiers, perplexity for next-word prediction.
std::string objectiveOf(const RunRecord& run) {
  const auto it = run.params.find("objective");
  return it == run.params.end() ? "classify" : it->second;
}

/// A histogram of counts (integers ≥ 0): x = bin centres, y = how many values fall in each bin.
std::pair<QVector<double>, QVector<double>> integerHistogram(const QVector<double>& values) {
  QVector<double> x, y;
  if (values.isEmpty()) return {x, y};
  const long top = long(*std::max_element(values.begin(), values.end()));
  // One bar per value up to 40 values (e.g. rounds taken part in); wider, equal bins beyond (150
  // intents per client would otherwise be a comb of isolated spikes). Bars sit at bin centres.
  const long width = top < 40 ? 1 : (top + 30) / 30;
  y.fill(0, int(top / width + 1));
  for (double v : values) y[int(std::max(0L, long(v)) / width)] += 1;
  for (long i = 0; i < long(y.size()); ++i) x << double(i * width) + double(width - 1) / 2;
  return {x, y};
}

}  // namespace

FederatedView::FederatedView(QWidget* parent)
    : QWidget(parent),
      byRound_(new MetricPlot(tr("Global model by round"), tr("round"), tr("valid accuracy"), this)),
      byTime_(new MetricPlot(tr("Global model by simulated time"), tr("simulated seconds"), tr("valid accuracy"), this)),
      epsilon_(new MetricPlot(tr("User-level privacy spent"), tr("round"), tr("ε"), this)),
      clients_(new MetricPlot(tr("Client data sizes (sorted)"), tr("client rank"), tr("examples"), this)),
      participation_(new MetricPlot(tr("Participation of the latest run"), tr("rounds taken part in"),
                                    tr("clients"), this)),
      labels_(new MetricPlot(tr("Labels per client"), tr("distinct labels"), tr("clients"), this)),
      summary_(new QLabel(tr("Select federated runs in the run browser (Overlay), or start one "
                             "(designer → Federated); Preview partition shows the designer's clients first."), this)),
      preview_(new QPushButton(tr("Preview partition"), this)) {
  epsilon_->setEmptyHint(tr("No privacy spent: the run is not private"));
  for (auto* p : {byRound_, byTime_, epsilon_}) {
    p->setSmoothing(0);
    p->setLegendCorner(Qt::AlignBottom | Qt::AlignRight);
  }
  for (auto* p : {clients_, participation_, labels_, epsilon_}) p->setSmoothingOffered(false);  // exact
  clients_->setLogY(true);
  participation_->setBars(true);
  labels_->setBars(true);
  summary_->setWordWrap(true);
  preview_->setToolTip(tr("Load the designer's dataset and show the clients its federated settings make, "
                          "without training"));
  connect(preview_, &QPushButton::clicked, this, &FederatedView::previewRequested);
  auto* grid = new QGridLayout;
  grid->addWidget(byRound_, 0, 0);
  grid->addWidget(byTime_, 0, 1);
  grid->addWidget(epsilon_, 0, 2);
  grid->addWidget(clients_, 1, 0);
  grid->addWidget(participation_, 1, 1);
  grid->addWidget(labels_, 1, 2);
  auto* top = new QHBoxLayout;
  top->addWidget(summary_, 1);
  top->addWidget(preview_, 0, Qt::AlignTop);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addLayout(grid, 1);
}

void FederatedView::showClients(const QString& name, const QVector<double>& sizes, const QVector<double>& labelCounts) {
  auto y = sizes;
  std::sort(y.begin(), y.end(), std::greater<>());
  while (!y.isEmpty() && y.back() <= 0) y.pop_back();  // log axis: zero counts cannot show
  QVector<double> x;
  for (int i = 0; i < y.size(); ++i) x << double(i + 1);
  clients_->setData(clients_->addSeries(name), x, y);
  if (!labelCounts.isEmpty()) {
    const auto [lx, ly] = integerHistogram(labelCounts);
    labels_->setData(labels_->addSeries(name), lx, ly);
  }
}

void FederatedView::showPartition(const QString& description, const PartitionStats& stats) {
  for (auto* p : {clients_, participation_, labels_}) p->clearSeries();
  QVector<double> sizes, labels;
  for (long v : stats.sizes) sizes << double(v);
  for (long v : stats.labelCount) labels << double(v);
  showClients(tr("preview"), sizes, labels);
  auto sorted = stats.sizes;
  std::sort(sorted.begin(), sorted.end());
  summary_->setText(tr("Preview of %1: %2 clients, %3 examples; size min %4 / median %5 / max %6, Gini %7; "
                       "%8 labels per client on average, label entropy %9 bits")
                        .arg(description)
                        .arg(stats.sizes.size())
                        .arg(stats.total)
                        .arg(sorted.empty() ? 0 : sorted.front())
                        .arg(sorted.empty() ? 0 : sorted[sorted.size() / 2])
                        .arg(sorted.empty() ? 0 : sorted.back())
                        .arg(stats.giniOfSizes, 0, 'f', 3)
                        .arg(std::accumulate(labels.begin(), labels.end(), 0.0) / std::max(1, int(labels.size())), 0, 'f', 1)
                        .arg(stats.meanEntropy, 0, 'f', 2));
}

int FederatedView::showRuns(const QList<qlonglong>& runIds, const QString& storePath) {
  const RunStore store(storePath.toStdString(), /*readOnly=*/true);
  for (auto* p : {byRound_, byTime_, epsilon_, clients_, participation_, labels_}) p->clearSeries();
  int shown = 0;
  QStringList lines;
  qlonglong latest = 0;
  std::vector<std::pair<qlonglong, double>> central;  // runs trained on all data at once: final valid metric
  double lastRound = 1, lastSecond = 1;
  std::string objective, metric = "accuracy";  // the first run's; runs of another are listed, not drawn
  bool logScale = false;
  for (const auto id : runIds) {
    const auto run = store.run(id);
    if (!run) continue;
    if (objective.empty()) {
      objective = objectiveOf(*run);
      if (const auto* entry = objectiveRegistry().find(objective)) {
        metric = entry->headlineMetric;
        logScale = entry->headlineLogScale;
      }
    } else if (objectiveOf(*run) != objective) {
      lines << tr("run %1: another objective (%2), not drawn beside %3")
                   .arg(id)
                   .arg(QString::fromStdString(objectiveOf(*run)), QString::fromStdString(metric));
      continue;
    }
    const auto clock = store.metricHistory(id, "fl/simulated_seconds");
    if (clock.empty()) {
      if (const auto m = store.metricHistory(id, "valid/" + metric); !m.empty()) central.emplace_back(id, m.back().value);
      continue;
    }
    lastRound = std::max(lastRound, double(clock.back().step));
    lastSecond = std::max(lastSecond, clock.back().value);
    const QString name = QString("run %1").arg(id);
    const auto color = MetricPlot::paletteColor(shown++);
    std::map<long, double> timeAt;
    for (const auto& c : clock) timeAt[c.step] = c.value;
    QVector<double> rounds, seconds, values;
    for (const auto& m : store.metricHistory(id, "valid/" + metric)) {
      rounds << double(m.step);
      seconds << timeAt[m.step];
      values << m.value;
    }
    byRound_->setData(byRound_->addSeries(name, color), rounds, values);
    byTime_->setData(byTime_->addSeries(name, color), seconds, values);
    QVector<double> er, ev;
    for (const auto& m : store.metricHistory(id, "privacy/epsilon")) er << double(m.step), ev << m.value;
    if (!er.isEmpty()) epsilon_->setData(epsilon_->addSeries(name + tr(" (user)"), color), er, ev);
    QVector<double> xr, xv;
    for (const auto& m : store.metricHistory(id, "privacy/example_epsilon_max")) xr << double(m.step), xv << m.value;
    if (!xr.isEmpty()) epsilon_->setData(epsilon_->addSeries(name + tr(" (example, worst client)"), color, Qt::DashLine), xr, xv);
    {
      const auto p = [&](const char* k) {
        const auto it = run->params.find(k);
        return it == run->params.end() ? QString("?") : QString::fromStdString(it->second);
      };
      const auto spec = nlohmann::json::parse(run->specJson, nullptr, false);
      const auto f = spec.is_discarded() ? nlohmann::json::object() : spec.value("federated", nlohmann::json::object());
      lines << tr("run %1: %2 clients (%3, size Gini %4), %5 selection, %6, %7 rounds → %8 simulated s, test %9")
                   .arg(id)
                   .arg(p("federated.clients"), QString::fromStdString(f.value("partition", std::string("?"))),
                        p("federated.size_gini").left(5), QString::fromStdString(f.value("selection", std::string("?"))),
                        QString::fromStdString(f.value("algorithm", std::string("?"))))
                   .arg(clock.size())
                   .arg(clock.back().value, 0, 'f', 0)
                   .arg(QString::fromStdString(metric) + " " + QString::number(run->metric("test/" + metric), 'f', 4));
      if (const int processes = f.value("processes", 1); processes > 1) lines.back() += tr(" (%1 processes)").arg(processes);
    }
    latest = id;
  }
  if (latest) {
    QFile f(QString::fromStdString(federatedArtifactPath(storePath.toStdString(), latest)));
    if (f.open(QIODevice::ReadOnly)) {
      const auto j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
      if (!j.is_discarded()) {
        const QString name = tr("run %1").arg(latest);
        showClients(name, numbers(j.value("sizes", nlohmann::json::array())),
                    numbers(j.value("labels_per_client", nlohmann::json::array())));
        const auto [px, py] = integerHistogram(numbers(j.value("participation", nlohmann::json::array())));
        participation_->setData(participation_->addSeries(name), px, py);
      }
    }
  }
  // The reference a federated curve is judged against: the same data trained centrally.
  int next = shown;
  for (const auto& [id, value] : central) {
    const QString name = tr("run %1 (central, all data)").arg(id);
    const auto color = MetricPlot::paletteColor(next++);
    byRound_->setData(byRound_->addSeries(name, color, Qt::DashLine), {0, lastRound}, {value, value});
    byTime_->setData(byTime_->addSeries(name, color, Qt::DashLine), {0, lastSecond}, {value, value});
    lines << tr("run %1: trained centrally on all the data, final valid %2 %3")
                 .arg(id)
                 .arg(QString::fromStdString(metric))
                 .arg(value, 0, 'f', 4);
  }
  if (!objective.empty()) {
    const QString y = tr("valid %1").arg(QString::fromStdString(metric));
    byRound_->setAxisLabels(tr("round"), y);
    byTime_->setAxisLabels(tr("simulated seconds"), y);
    for (auto* p : {byRound_, byTime_}) p->setLogY(logScale);
  }
  epsilon_->setVisible(epsilon_->seriesCount() > 0);
  summary_->setText(shown ? lines.join('\n') : tr("None of the selected runs is federated."));
  return shown;
}

QStringList FederatedView::exportAll(const QString& basePath, double widthPt, double heightPt) {
  QStringList written;
  written << byRound_->exportAll(basePath + "-by-round", widthPt, heightPt)
          << byTime_->exportAll(basePath + "-by-time", widthPt, heightPt)
          << clients_->exportAll(basePath + "-client-sizes", widthPt, heightPt)
          << participation_->exportAll(basePath + "-participation", widthPt, heightPt)
          << labels_->exportAll(basePath + "-labels-per-client", widthPt, heightPt);
  if (epsilon_->seriesCount() > 0) written << epsilon_->exportAll(basePath + "-epsilon", widthPt, heightPt);
  return written;
}

}  // namespace trustlab
