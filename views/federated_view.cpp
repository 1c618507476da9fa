#include "federated_view.h"

#include <QFile>
#include <QGridLayout>
#include <QLabel>
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "experiment/run_store.h"
#include "experiment/runner.h"
#include "metric_plot.h"

namespace trustlab {
namespace {

QVector<double> sortedDescending(const nlohmann::json& values) {
  QVector<double> v;
  for (const auto& x : values) v << x.get<double>();
  std::sort(v.begin(), v.end(), std::greater<>());
  return v;
}

}  // namespace

FederatedView::FederatedView(QWidget* parent)
    : QWidget(parent),
      byRound_(new MetricPlot(tr("Global accuracy by round"), tr("round"), tr("valid accuracy"), this)),
      byTime_(new MetricPlot(tr("Global accuracy by simulated time"), tr("simulated seconds"), tr("valid accuracy"), this)),
      epsilon_(new MetricPlot(tr("User-level privacy spent"), tr("round"), tr("ε"), this)),
      clients_(new MetricPlot(tr("Clients of the latest run (sorted)"), tr("client rank"), tr("count"), this)),
      summary_(new QLabel(tr("Select federated runs in the run browser (Overlay selected), or start one "
                             "(designer → Federated)."), this)) {
  for (auto* p : {byRound_, byTime_, epsilon_}) {
    p->setSmoothing(0);
    p->setLegendCorner(Qt::AlignBottom | Qt::AlignRight);
  }
  clients_->setSmoothing(0);
  clients_->setLogY(true);
  summary_->setWordWrap(true);
  auto* grid = new QGridLayout;
  grid->addWidget(byRound_, 0, 0);
  grid->addWidget(byTime_, 0, 1);
  grid->addWidget(epsilon_, 1, 0);
  grid->addWidget(clients_, 1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summary_);
  layout->addLayout(grid, 1);
}

int FederatedView::showRuns(const QList<qlonglong>& runIds, const QString& storePath) {
  const RunStore store(storePath.toStdString(), /*readOnly=*/true);
  for (auto* p : {byRound_, byTime_, epsilon_, clients_}) p->clearSeries();
  int shown = 0;
  QStringList lines;
  qlonglong latest = 0;
  for (const auto id : runIds) {
    const auto clock = store.metricHistory(id, "fl/simulated_seconds");
    if (clock.empty()) continue;  // not a federated run
    const auto run = store.run(id);
    const QString name = QString("run %1").arg(id);
    const auto color = MetricPlot::paletteColor(shown++);
    std::map<long, double> timeAt;
    for (const auto& c : clock) timeAt[c.step] = c.value;
    QVector<double> rounds, seconds, accuracy;
    for (const auto& m : store.metricHistory(id, "valid/accuracy")) {
      rounds << double(m.step);
      seconds << timeAt[m.step];
      accuracy << m.value;
    }
    byRound_->setData(byRound_->addSeries(name, color), rounds, accuracy);
    byTime_->setData(byTime_->addSeries(name, color), seconds, accuracy);
    QVector<double> er, ev;
    for (const auto& m : store.metricHistory(id, "privacy/epsilon")) er << double(m.step), ev << m.value;
    if (!er.isEmpty()) epsilon_->setData(epsilon_->addSeries(name, color), er, ev);
    if (run) {
      const auto p = [&](const char* k) {
        const auto it = run->params.find(k);
        return it == run->params.end() ? QString("?") : QString::fromStdString(it->second);
      };
      const auto spec = nlohmann::json::parse(run->specJson, nullptr, false);
      const auto f = spec.is_discarded() ? nlohmann::json::object() : spec.value("federated", nlohmann::json::object());
      lines << tr("run %1: %2 clients (%3, size Gini %4), %5 selection, %6, %7 rounds → %8 simulated s, test accuracy %9")
                   .arg(id)
                   .arg(p("federated.clients"), QString::fromStdString(f.value("partition", std::string("?"))),
                        p("federated.size_gini").left(5), QString::fromStdString(f.value("selection", std::string("?"))),
                        QString::fromStdString(f.value("algorithm", std::string("?"))))
                   .arg(clock.size())
                   .arg(clock.back().value, 0, 'f', 0)
                   .arg(run->latestMetrics.count("test/accuracy") ? run->latestMetrics.at("test/accuracy") : 0.0, 0, 'f', 4);
    }
    latest = id;
  }
  if (latest) {
    QFile f(QString::fromStdString(federatedArtifactPath(storePath.toStdString(), latest)));
    if (f.open(QIODevice::ReadOnly)) {
      const auto j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
      if (!j.is_discarded()) {
        for (const auto& [key, label] : {std::pair{"sizes", tr("examples per client")},
                                         std::pair{"participation", tr("rounds participated")}}) {
          if (!j.contains(key)) continue;
          auto y = sortedDescending(j[key]);
          while (!y.isEmpty() && y.back() <= 0) y.pop_back();  // log axis: zero counts cannot show
          QVector<double> x;
          for (int i = 0; i < y.size(); ++i) x << double(i + 1);
          clients_->setData(clients_->addSeries(label), x, y);
        }
      }
    }
  }
  epsilon_->setVisible(epsilon_->seriesCount() > 0);
  summary_->setText(shown ? lines.join('\n') : tr("None of the selected runs is federated."));
  return shown;
}

QStringList FederatedView::exportAll(const QString& basePath, double widthPt, double heightPt) {
  QStringList written;
  written << byRound_->exportAll(basePath + "-by-round", widthPt, heightPt)
          << byTime_->exportAll(basePath + "-by-time", widthPt, heightPt)
          << clients_->exportAll(basePath + "-clients", widthPt, heightPt);
  if (epsilon_->seriesCount() > 0) written << epsilon_->exportAll(basePath + "-epsilon", widthPt, heightPt);
  return written;
}

}  // namespace trustlab
