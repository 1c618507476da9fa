// core/plots: the privacy/utility/leakage tradeoff as numbers a plot (or a paper) uses: a sweep's
// cells as series against ε (or any other swept number field), values interpolated at any ε, and
// the ROC region every (ε, δ)-DP training must stay inside.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "experiment/sweep.h"
#include "plots/series_export.h"

namespace trustlab {

/// The x axis of a tradeoff plot that shows ε (whichever ε the sweep varies).
inline constexpr char kEpsilonAxis[] = "ε";

/// Cells of one group with `metric`, x ascending: y = mean, err = std. On the ε axis x is the
/// finite ε and the non-private cell is kept apart.
struct TradeoffSeries {
  std::string metric;
  std::string name;  ///< legend entry (the metric key unless the caller names it)
  std::vector<double> x, mean, std;
  bool hasNonPrivate = false;
  double nonPrivateMean = 0, nonPrivateStd = 0;
};

/// What can go on the x axis: ε first (when the cells vary it), then every other swept field
/// whose values are all numbers.
std::vector<std::string> tradeoffAxes(const std::vector<SweepCell>& cells);
/// The cells drawn together when `xAxis` is on the x axis: same dataset and model and the same
/// value of every other swept field ("default / bag / training.lr=0.001").
std::string tradeoffGroup(const SweepCell& cell, const std::string& xAxis = kEpsilonAxis);
/// The groups of `cells`, in their order.
std::vector<std::string> tradeoffGroups(const std::vector<SweepCell>& cells, const std::string& xAxis = kEpsilonAxis);

TradeoffSeries tradeoffSeries(const std::vector<SweepCell>& cells, const std::string& group, const std::string& metric,
                              const std::string& xAxis = kEpsilonAxis);

/// The series' mean at `epsilon` by linear interpolation in log ε; NaN outside the measured range.
double interpolateAtEpsilon(const TradeoffSeries& series, double epsilon);

/// The highest TPR any (ε, δ)-DP membership test can reach at each FPR (Kairouz et al. 2015):
/// min(1, e^ε·FPR + δ, 1 − e^−ε·(1 − δ − FPR)).
std::vector<double> dpTprBound(double epsilon, double delta, const std::vector<double>& fpr);

/// Export form of several tradeoff series (mean, and mean ± std as faint series); log x on ε.
PlotDescription describeTradeoff(const std::vector<TradeoffSeries>& series, const std::string& title,
                                 const std::string& yLabel, const std::string& xAxis = kEpsilonAxis);

/// The smallest and largest x of any series; {+∞, −∞} when none has a point.
std::pair<double, double> xRange(const std::vector<TradeoffSeries>& series);

/// The line y = x over the x range of `series` (series of empirical ε lower bounds against the
/// theoretical ε), sampled for a log x axis: every bound must lie on or under it, one above is a
/// privacy bug. Empty when the series have no finite ε.
PlotSeries theoryLine(const std::vector<TradeoffSeries>& series);

/// Export form of empirical ε lower bounds against the theoretical ε, with theoryLine.
PlotDescription describeEmpiricalEpsilon(const std::vector<TradeoffSeries>& series);

}  // namespace trustlab
