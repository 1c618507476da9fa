// Tests core/plots: TensorBoard smoothing rules, CSV and pgfplots output, unit conversion, and
// where a legend hides the least data.
#include <QtTest>

#include <cmath>

#include "plots/legend_placement.h"
#include "plots/pareto.h"
#include "plots/series_export.h"
#include "plots/smoothing.h"

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
  void units() {
    QCOMPARE(toTexPoints(1, "in"), 72.27);
    QVERIFY(std::abs(toTexPoints(2.54, "cm") - 72.27) < 1e-9);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, toTexPoints(1, "furlong"));
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
