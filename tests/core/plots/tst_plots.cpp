// Tests core/plots: TensorBoard smoothing rules, CSV and pgfplots output, unit conversion, where
// a legend hides the least data, M4 decimation, parallel coordinates and Pareto fronts.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "plots/decimation.h"
#include "plots/legend_placement.h"
#include "plots/parallel_coordinates.h"
#include "plots/pareto.h"
#include "plots/series_export.h"
#include "plots/smoothing.h"
#include "plots/tradeoff.h"

using namespace trustlab;

class TestPlots : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void smoothingMatchesTensorBoard() {
    // By hand with w = 0.6: last = 0.4·1 → 0.4/(1-0.6) = 1; then 0.24+0.4·3 = 1.44 → 1.44/0.64 = 2.25.
    const auto s = smoothDebiasedEma({1, 3}, 0.6);
    QCOMPARE(s[0], 1.0);
    QVERIFY(std::abs(s[1] - 2.25) < 1e-12);
  }
  void smoothingRules() {
    QCOMPARE(smoothDebiasedEma({2, 2, 2}, 0.9), (std::vector<double>{2, 2, 2}));  // constant unchanged
    QCOMPARE(smoothDebiasedEma({1, 5}, 0.0), (std::vector<double>{1, 5}));        // weight 0 = raw
    QCOMPARE(smoothDebiasedEma({1, 5}, 1.5), smoothDebiasedEma({1, 5}, 1.0));     // clamped
    const auto s = smoothDebiasedEma({1, std::nan(""), 3}, 0.6);
    QVERIFY(std::isnan(s[1]));
    QVERIFY(std::abs(s[2] - 2.25) < 1e-12);  // NaN did not advance the debias counter
    QVERIFY(smoothDebiasedEma({}, 0.6).empty());
  }
  void csvAndPgfplots() {
    PlotDescription d;
    d.title = "Accuracy vs ε";
    d.xLabel = "step";
    d.yLabel = "valid_acc 100%";
    d.series = {{"run 1, \"valid\"", {1, 2}, {0.5, 0.75}, "#0072B2"}};
    const auto csv = toCsv(d);
    QVERIFY(QString::fromStdString(csv).startsWith("series,x,y\n\"run 1, \"\"valid\"\"\",1,0.5\n"));
    const auto tex = QString::fromStdString(toPgfplots(d, 241, 170));
    QVERIFY(tex.contains("\\documentclass[tikz]{standalone}"));
    QVERIFY(tex.contains("width=241pt"));
    QVERIFY(tex.contains("$\\varepsilon$"));
    QVERIFY(tex.contains("valid\\_acc 100\\%"));
    QVERIFY(tex.contains("(2,0.75)"));
    QVERIFY(tex.contains("{HTML}{0072B2}"));
  }
  /// Empirical ε lower bounds are drawn under y = x over the measured ε range.
  void empiricalEpsilonHasTheTheoryLine() {
    TradeoffSeries s;
    s.name = "empirical ε (loss)";
    s.x = {1, 8};
    s.mean = {0.2, 1.5};
    s.std = {0.1, 0.3};
    const auto line = theoryLine({s});
    QCOMPARE(line.x.front(), 1.0);
    QVERIFY(std::abs(line.x.back() - 8) < 1e-12 && line.x.size() > 2);
    QVERIFY(std::abs(line.x[line.x.size() / 2] - std::sqrt(8.0)) < 1e-12);  // even on log ε
    QCOMPARE(line.y, line.x);
    QVERIFY(line.dashed);
    QVERIFY(theoryLine({}).x.empty());
    const auto d = describeEmpiricalEpsilon({s});
    QVERIFY(d.logX);
    QCOMPARE(d.series.back().name, line.name);
    QCOMPARE(d.series.front().y, s.mean);
  }
  void units() {
    QCOMPARE(toTexPoints(1, "in"), 72.27);
    QVERIFY(std::abs(toTexPoints(2.54, "cm") - 72.27) < 1e-9);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, toTexPoints(1, "furlong"));
  }
  void m4DecimationKeepsEveryColumnsExtremes() {
    std::vector<double> x(100000), y(100000);
    for (size_t i = 0; i < x.size(); ++i) x[i] = double(i), y[i] = std::sin(double(i) * 0.01) + 1e-3 * double(i % 7);
    y[50000] = 5;  // a spike one pixel wide must survive
    const auto line = decimateM4(x.data(), y.data(), x.size(), 0, 99999, 200);
    QVERIFY2(line.x.size() <= 4 * 200 + 2 && line.x.size() >= 2 * 200, qPrintable(QString::number(line.x.size())));
    QVERIFY(std::is_sorted(line.x.begin(), line.x.end()));
    QCOMPARE(line.x.front(), 0.0);
    QCOMPARE(line.x.back(), 99999.0);
    QVERIFY(std::find(line.y.begin(), line.y.end(), 5.0) != line.y.end());
    // Per column the lowest and highest points are kept: the drawn envelope is the true one.
    const double width = 99999.0 / 200;
    for (int c = 0; c < 200; c += 37) {
      double lo = INFINITY, hi = -INFINITY, keptLo = INFINITY, keptHi = -INFINITY;
      for (size_t i = 0; i < x.size(); ++i)
        if (std::floor(x[i] / width) == c) lo = std::min(lo, y[i]), hi = std::max(hi, y[i]);
      for (size_t i = 0; i < line.x.size(); ++i)
        if (std::floor(line.x[i] / width) == c) keptLo = std::min(keptLo, line.y[i]), keptHi = std::max(keptHi, line.y[i]);
      QCOMPARE(keptLo, lo);
      QCOMPARE(keptHi, hi);
    }
    // A zoomed range: its points and one neighbour each side; few points come back whole.
    const auto zoomed = decimateM4(x.data(), y.data(), x.size(), 1000, 1100, 200);
    QCOMPARE(zoomed.x.size(), size_t(103));
    QCOMPARE(zoomed.x.front(), 999.0);
    // A NaN keeps its break.
    y[70000] = std::nan("");
    const auto broken = decimateM4(x.data(), y.data(), x.size(), 0, 99999, 200);
    QVERIFY(std::any_of(broken.y.begin(), broken.y.end(), [](double v) { return std::isnan(v); }));
  }
  void parallelCoordinatesScaleEachAxisUpIsBetter() {
    RunComparison c;
    c.runs = {1, 2, 3};
    c.differingSettings["training.lr"] = {std::string("0.001"), std::string("0.01"), std::string("0.1")};
    c.differingSettings["model.type"] = {std::string("bilstm"), std::string("bag"), std::nullopt};
    c.metrics["test/accuracy"] = {0.5, 0.9, 0.7};
    c.metrics["privacy/epsilon"] = {1.0, 3.0, std::nullopt};
    c.metrics["unused"] = {1.0, 2.0, 3.0};
    const auto pc = parallelCoordinates(c, {"test/accuracy", "privacy/epsilon", "absent"},
                                        [](const std::string& k) { return k == "privacy/epsilon"; });
    QCOMPARE(pc.axes.size(), size_t(4));  // two settings, two metrics (absent and unused are not axes)
    QCOMPARE(pc.axes[0].key, std::string("model.type"));
    QCOMPARE(pc.axes[0].categories, (std::vector<std::string>{"bag", "bilstm"}));
    QCOMPARE(pc.lines[0][0], 1.0);  // bilstm at the top, bag at the bottom, none missing
    QCOMPARE(pc.lines[1][0], 0.0);
    QVERIFY(std::isnan(pc.lines[2][0]));
    QCOMPARE(pc.lines[1][1], 0.01 / 0.099 - 0.001 / 0.099);  // lr scaled linearly over its range
    QCOMPARE(pc.lines[1][2], 1.0);  // the best accuracy on top
    QCOMPARE(pc.lines[0][2], 0.0);
    QCOMPARE(pc.axes[3].key, std::string("privacy/epsilon"));
    QVERIFY(pc.axes[3].flipped);
    QCOMPARE(pc.lines[0][3], 1.0);  // the smaller ε is the better one: on top
    QCOMPARE(pc.axes[3].low, 3.0);
    QVERIFY(std::isnan(pc.lines[2][3]));
  }
  void paretoFrontOfTwoObjectives() {
    // accuracy (higher is better) against ε (lower is better)
    const std::vector<std::pair<double, double>> runs{
        {0.90, 1.0}, {0.95, 3.0}, {0.85, 3.0}, {0.97, 8.0}, {0.96, 8.0}, {0.90, 1.0}, {NAN, 0.5}};
    const auto front = paretoFront(runs, /*higherX=*/true, /*higherY=*/false);
    QCOMPARE(front, (std::vector<bool>{true, true, false, true, false, true, false}));  // ties both stay
    // Lower accuracy, higher ε: (0.85, 3) and (0.96, 8); nothing has ε ≥ 8 with accuracy ≤ 0.96.
    const auto flipped = paretoFront(runs, false, true);
    QCOMPARE(flipped, (std::vector<bool>{false, false, true, false, true, false, false}));
    QVERIFY(paretoFront({}, true, true).empty());
  }
  void legendGoesWhereItHidesLeast() {
    std::vector<std::pair<double, double>> falling, rising;  // a loss and an accuracy curve
    for (int i = 0; i <= 100; ++i) {
      const double x = i / 100.0;
      falling.push_back({x, std::exp(-5 * x)});
      rising.push_back({x, 1 - std::exp(-5 * x)});
    }
    QCOMPARE(int(chooseLegendSpot(falling, 0.3, 0.25).spot), int(LegendSpot::TopRight));
    // Rising: the preferred top right is taken, the bottom right is free.
    const auto r = chooseLegendSpot(rising, 0.3, 0.25);
    QCOMPARE(int(r.spot), int(LegendSpot::BottomRight));
    QCOMPARE(r.covered, 0L);
    // Both curves together fill every corner: outside, below the axes.
    auto both = falling;
    both.insert(both.end(), rising.begin(), rising.end());
    QCOMPARE(int(chooseLegendSpot(both, 0.3, 0.25).spot), int(LegendSpot::Outside));
    // A legend as tall as the plot (six series at a column's width) never sits inside.
    QCOMPARE(int(chooseLegendSpot(falling, 0.3, 0.8).spot), int(LegendSpot::Outside));
    // Empty plot: the preferred corner.
    QCOMPARE(int(chooseLegendSpot({}, 0.3, 0.25, LegendSpot::BottomLeft).spot), int(LegendSpot::BottomLeft));
  }
};

QTEST_GUILESS_MAIN(TestPlots)
#include "tst_plots.moc"
