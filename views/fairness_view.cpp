#include "fairness_view.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableWidget>
#include <cmath>
#include <qcustomplot.h>

#include "fairness/fairness_metrics.h"
#include "metric_plot.h"
#include "plot_exporter.h"
#include "rich_text.h"
#include "table_text.h"

namespace trustlab {
namespace {

QString withInterval(const Estimate& e) {
  if (!std::isfinite(e.value)) return "–";
  if (!std::isfinite(e.ci.low)) return QString::number(e.value, 'f', 3);
  return QString("%1 [%2, %3]").arg(e.value, 0, 'f', 3).arg(e.ci.low, 0, 'f', 3).arg(e.ci.high, 0, 'f', 3);
}

struct Rate {
  const char* name;
  Estimate GroupFairness::*field;
};
const Rate kRates[] = {{"accuracy", &GroupFairness::accuracy}, {"FPR", &GroupFairness::fpr},
                       {"FNR", &GroupFairness::fnr},           {"subgroup AUC", &GroupFairness::subgroupAuc},
                       {"BPSN AUC", &GroupFairness::bpsnAuc},   {"BNSP AUC", &GroupFairness::bnspAuc}};

}  // namespace

FairnessView::FairnessView(QWidget* parent)
    : QWidget(parent),
      summary_(new QLabel(tr("Select a finished run in the run browser and choose Audit → Fairness."), this)),
      groups_(new QTableWidget(this)),
      metrics_(new QTableWidget(this)),
      pairs_(new QTableWidget(this)),
      chart_(new QCustomPlot(this)),
      filter_(new QLineEdit(this)),
      flipsOnly_(new QCheckBox(tr("flips only"), this)) {
  summary_->setWordWrap(true);
  groups_->setColumnCount(2 + int(std::size(kRates)));
  QStringList groupHeader{tr("group"), tr("n")};
  for (const auto& r : kRates) groupHeader << tr(r.name);
  groups_->setHorizontalHeaderLabels(groupHeader);
  metrics_->setColumnCount(4);
  metrics_->setHorizontalHeaderLabels({tr("metric"), tr("value"), tr("95 % interval"), tr("what it measures")});
  pairs_->setColumnCount(8);
  pairs_->setHorizontalHeaderLabels({tr("group"), tr("original"), tr("counterfactual"), tr("label"), tr("predicted"),
                                     tr("predicted (swapped)"), tr("score"), tr("score (swapped)")});
  pairs_->setItemDelegateForColumn(1, new RichTextDelegate(pairs_));
  pairs_->setItemDelegateForColumn(2, new RichTextDelegate(pairs_));
  for (auto* t : {groups_, metrics_, pairs_}) {
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
  }
  pairs_->setSortingEnabled(true);
  filter_->setPlaceholderText(tr("Filter pairs (any text, label or group)…"));
  connect(filter_, &QLineEdit::textChanged, this, &FairnessView::applyFilter);
  connect(flipsOnly_, &QCheckBox::toggled, this, &FairnessView::applyFilter);
  chart_->setMinimumSize(240, 160);
  chart_->legend->setVisible(true);
  chart_->legend->setFillOrder(QCPLegend::foColumnsFirst);  // one row above the bars
  chart_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignHCenter);
  chart_->xAxis->setTickLabelRotation(30);
  chart_->xAxis->setLabel(tr("rate"));
  chart_->yAxis->setLabel(tr("value (95 % interval)"));

  auto* left = new QWidget(this);
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  leftLayout->addWidget(groups_, 1);
  leftLayout->addWidget(metrics_, 2);
  auto* top = new QSplitter(Qt::Horizontal, this);
  top->addWidget(left);
  top->addWidget(chart_);
  top->setStretchFactor(0, 3);
  top->setStretchFactor(1, 2);
  auto* bottom = new QWidget(this);
  auto* bottomLayout = new QGridLayout(bottom);
  bottomLayout->setContentsMargins(0, 0, 0, 0);
  bottomLayout->addWidget(filter_, 0, 0);
  bottomLayout->addWidget(flipsOnly_, 0, 1);
  bottomLayout->addWidget(pairs_, 1, 0, 1, 2);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(top);
  split->addWidget(bottom);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summary_);
  layout->addWidget(split, 1);
}

void FairnessView::showReport(qlonglong runId, const ClassifierFairnessReport& r) {
  report_ = r;
  summary_->setText(tr("Run %1: %2 test examples, %3 gender-swapped pairs; %4. Disparities compare the gender "
                       "groups (texts naming no or both genders are listed, not compared); intervals are 95 % "
                       "percentile bootstrap (absolute differences are biased upward under resampling).")
                        .arg(runId)
                        .arg(r.examples)
                        .arg(r.counterfactualPairs)
                        .arg(r.positiveLabel.empty() ? tr("rates one-vs-rest, averaged over classes")
                                                     : tr("positive class '%1'").arg(QString::fromStdString(r.positiveLabel))));
  groups_->setRowCount(int(r.groups.size()));
  for (int i = 0; i < int(r.groups.size()); ++i) {
    const auto& g = r.groups[size_t(i)];
    groups_->setItem(i, 0, new QTableWidgetItem(QString::fromStdString(g.group)));
    groups_->setItem(i, 1, new QTableWidgetItem(QString::number(g.n)));
    for (int k = 0; k < int(std::size(kRates)); ++k)
      groups_->setItem(i, 2 + k, new QTableWidgetItem(withInterval(g.*(kRates[k].field))));
  }
  metrics_->setRowCount(int(r.metrics.size()));
  int row = 0;
  for (const auto& [name, e] : r.metrics) {
    // The registry says what each metric is: "equalized odds ratio: the smaller of …" reads as
    // the name "equalized odds ratio" and its one-line explanation; the key stays in the tooltip.
    QString title = QString::fromStdString(name), meaning;
    for (const auto& item : fairnessMetricRegistry().items())
      if (item.name == name) {
        const QString d = QString::fromStdString(item.description);
        const int colon = d.indexOf(": ");
        title = colon > 0 ? d.left(colon) : QString::fromStdString(name);
        meaning = (colon > 0 ? d.mid(colon + 2) : d) +
                  (item.origin.empty() ? QString() : tr(" (plugin %1)").arg(QString::fromStdString(item.origin)));
      }
    auto* label = new QTableWidgetItem(title);
    label->setToolTip(tr("%1 — recorded as fairness/%2").arg(meaning, QString::fromStdString(name)));
    metrics_->setItem(row, 3, new QTableWidgetItem(meaning));
    metrics_->setItem(row, 0, label);
    metrics_->setItem(row, 1, numberItem(e.value));
    metrics_->setItem(row++, 2, new QTableWidgetItem(std::isfinite(e.ci.low) ? QString("[%1, %2]")
                                                                                     .arg(e.ci.low, 0, 'g', 3)
                                                                                     .arg(e.ci.high, 0, 'g', 3)
                                                                               : QString("–")));
  }
  for (auto* t : {groups_, metrics_}) t->resizeColumnsToContents();

  // Bars: one group per colour, side by side within each rate, whiskers for the intervals.
  chart_->clearPlottables();
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (int k = 0; k < int(std::size(kRates)); ++k) ticker->addTick(k, tr(kRates[k].name));
  chart_->xAxis->setTicker(ticker);
  const double width = 0.8 / double(std::max<size_t>(1, r.groups.size()));
  for (int i = 0; i < int(r.groups.size()); ++i) {
    const auto& g = r.groups[size_t(i)];
    auto* bars = new QCPBars(chart_->xAxis, chart_->yAxis);
    auto* whiskers = new QCPErrorBars(chart_->xAxis, chart_->yAxis);
    bars->setName(QString::fromStdString(g.group));
    const QColor colour = MetricPlot::paletteColor(i);
    bars->setBrush(colour);
    bars->setPen(QPen(colour.darker(130)));
    bars->setWidth(width);
    whiskers->removeFromLegend();
    whiskers->setDataPlottable(bars);
    for (int k = 0; k < int(std::size(kRates)); ++k) {
      const auto& e = g.*(kRates[k].field);
      if (!std::isfinite(e.value)) continue;
      bars->addData(k - 0.4 + width * (i + 0.5), e.value);
      whiskers->addData(std::isfinite(e.ci.low) ? e.value - e.ci.low : 0, std::isfinite(e.ci.high) ? e.ci.high - e.value : 0);
    }
  }
  chart_->xAxis->setRange(-0.6, double(std::size(kRates)) - 0.4);
  chart_->yAxis->setRange(0, 1.25);  // headroom for the legend row
  chart_->replot();

  pairs_->setSortingEnabled(false);
  pairs_->setRowCount(int(r.pairs.size()));
  for (int i = 0; i < int(r.pairs.size()); ++i) {
    const auto& p = r.pairs[size_t(i)];
    const auto item = [](const std::string& s) { return new QTableWidgetItem(QString::fromStdString(s)); };
    pairs_->setItem(i, 0, item(p.group));
    auto* original = item(p.text);
    original->setData(Qt::UserRole, highlightedHtml(p.text, swapRanges(p.swaps, false)));
    auto* twin = item(p.counterfactual);
    twin->setData(Qt::UserRole, highlightedHtml(p.counterfactual, swapRanges(p.swaps, true)));
    pairs_->setItem(i, 1, original);
    pairs_->setItem(i, 2, twin);
    pairs_->setItem(i, 3, item(p.label));
    pairs_->setItem(i, 4, item(p.predicted));
    auto* swappedPrediction = item(p.counterfactualPredicted);
    if (p.predicted != p.counterfactualPredicted) swappedPrediction->setForeground(QColor("#D55E00"));
    pairs_->setItem(i, 5, swappedPrediction);
    pairs_->setItem(i, 6, numberItem(p.score));
    pairs_->setItem(i, 7, numberItem(p.counterfactualScore));
  }
  pairs_->setSortingEnabled(true);
  pairs_->resizeColumnsToContents();
  applyFilter();
}

void FairnessView::applyFilter() {
  const QString needle = filter_->text().trimmed();
  for (int r = 0; r < pairs_->rowCount(); ++r) {
    const bool match = rowContains(pairs_, r, needle);
    const bool flip = pairs_->item(r, 4) && pairs_->item(r, 5) && pairs_->item(r, 4)->text() != pairs_->item(r, 5)->text();
    pairs_->setRowHidden(r, !match || (flipsOnly_->isChecked() && !flip));
  }
}

QStringList FairnessView::exportAll(const QString& basePath, double widthPt, double heightPt) {
  if (report_.groups.empty()) return {};
  PlotDescription d;
  d.title = "Rates by group";
  d.xLabel = "rate";
  d.yLabel = "value";
  for (size_t i = 0; i < report_.groups.size(); ++i) {
    PlotSeries s;
    s.name = report_.groups[i].group;
    s.color = MetricPlot::paletteColor(int(i)).name().toStdString();
    for (int k = 0; k < int(std::size(kRates)); ++k) {
      s.x.push_back(k);
      s.y.push_back((report_.groups[i].*(kRates[k].field)).value);
    }
    d.series.push_back(s);
  }
  QStringList written = exportPlot(chart_, d, basePath + "-fairness-rates", widthPt, heightPt);
  for (const auto& [suffix, table] : {std::pair{"-fairness-groups.csv", groups_}, std::pair{"-fairness-metrics.csv", metrics_},
                                      std::pair{"-fairness-pairs.csv", pairs_}})
    written << writeTableCsv(basePath + suffix, table);
  return written;
}

}  // namespace trustlab
