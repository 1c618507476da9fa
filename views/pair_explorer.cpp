#include "pair_explorer.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>

#include "fairness/metric_correlation.h"
#include "metric_plot.h"

namespace trustlab {

PairExplorer::PairExplorer(QWidget* parent)
    : QWidget(parent),
      x_(new QComboBox(this)),
      y_(new QComboBox(this)),
      summary_(new QLabel(this)),
      plot_(new MetricPlot(tr("Any pair, one point per run"), QString(), QString(), this)) {
  plot_->setSmoothingOffered(false);
  plot_->setEmptyHint(tr("Pick two metrics"));
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  for (auto* c : {x_, y_}) {
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(18);
    connect(c, &QComboBox::currentIndexChanged, this, &PairExplorer::redraw);
  }
  x_->setToolTip(tr("x: a column of the study's runs.csv"));
  y_->setToolTip(tr("y: a column of the study's runs.csv"));
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("x"), this));
  bar->addWidget(x_, 1);
  bar->addWidget(new QLabel(tr("y"), this));
  bar->addWidget(y_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(summary_);
  layout->addWidget(plot_, 1);
}

bool PairExplorer::load(const QString& path) {
  try {
    table_ = readRunTable(path.toStdString());
  } catch (const std::exception&) {
    table_ = {};
  }
  const auto columns = table_.rows.empty() ? std::vector<std::string>{} : table_.numericColumns();
  for (auto* c : {x_, y_}) {
    const QSignalBlocker block(c);
    c->clear();
    for (const auto& name : columns) c->addItem(QString::fromStdString(name));
  }
  if (columns.size() < 2) return false;
  // The first and last metric: in a study's table, an intrinsic test and an extrinsic probe.
  x_->setCurrentIndex(std::min(int(columns.size()) - 2, 2));
  y_->setCurrentIndex(int(columns.size()) - 1);
  redraw();
  return true;
}

void PairExplorer::setPair(const QString& x, const QString& y) {
  const QSignalBlocker block(x_);
  x_->setCurrentText(x);
  y_->setCurrentText(y);
  redraw();
}

QString PairExplorer::summary() const { return summary_->text(); }

void PairExplorer::redraw() {
  plot_->clearSeries();
  if (x_->currentIndex() < 0 || y_->currentIndex() < 0) return;
  const auto x = table_.numbers(x_->currentText().toStdString()), y = table_.numbers(y_->currentText().toStdString());
  const bool byModel = std::find(table_.columns.begin(), table_.columns.end(), "model") != table_.columns.end();
  const auto model = byModel ? table_.text("model") : std::vector<std::string>(x.size());
  std::map<std::string, std::vector<std::pair<double, double>>> groups;  // model → points
  for (size_t r = 0; r < x.size(); ++r)
    if (std::isfinite(x[r]) && std::isfinite(y[r])) groups[model[r]].push_back({x[r], y[r]});
  for (auto& [name, points] : groups) {
    std::sort(points.begin(), points.end());  // the plot's data is kept in x order
    QVector<double> px, py;
    for (const auto& [a, b] : points) px << a, py << b;
    const int id = plot_->addSeries(name.empty() ? tr("runs") : QString::fromStdString(name));
    plot_->setData(id, px, py);
    plot_->setScatter(id);
  }
  plot_->setAxisLabels(x_->currentText(), y_->currentText());
  const auto c = correlateMetrics({{"x", x}, {"y", y}}, 1000).cells[0][1];
  const auto show = [](const Estimate& e) {
    return std::isfinite(e.value) ? QStringLiteral("%1 [%2, %3]").arg(e.value, 0, 'f', 2).arg(e.ci.low, 0, 'f', 2).arg(e.ci.high, 0, 'f', 2)
                                  : QStringLiteral("—");
  };
  summary_->setText(tr("Spearman ρ = %1 · Pearson r = %2 · %3 runs (BCa 95 % intervals)")
                        .arg(show(c.spearman), show(c.pearson))
                        .arg(c.runs));
}

}  // namespace trustlab
