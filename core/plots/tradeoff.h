// core/plots: the privacy/utility/leakage tradeoff as numbers a plot (or a paper) uses: a sweep's
// cells as series against ε, values interpolated at any ε, and the ROC region every (ε, δ)-DP
// training must stay inside.
#pragma once
#include <string>
#include <vector>

#include "experiment/sweep.h"
#include "plots/series_export.h"

namespace trustlab {

/// Cells of one (dataset, model) with `metric`, finite ε ascending: x = ε, y = mean, err = std.
struct TradeoffSeries {
  std::string metric;
  std::string name;  ///< legend entry (the metric key unless the caller names it)
  std::vector<double> epsilon, mean, std;
  bool hasNonPrivate = false;
  double nonPrivateMean = 0, nonPrivateStd = 0;
};

TradeoffSeries tradeoffSeries(const std::vector<SweepCell>& cells, const std::string& dataset, const std::string& model,
                              const std::string& metric);

/// The series' mean at `epsilon` by linear interpolation in log ε; NaN outside the measured range.
double interpolateAtEpsilon(const TradeoffSeries& series, double epsilon);

/// The highest TPR any (ε, δ)-DP membership test can reach at each FPR (Kairouz et al. 2015):
/// min(1, e^ε·FPR + δ, 1 − e^−ε·(1 − δ − FPR)).
std::vector<double> dpTprBound(double epsilon, double delta, const std::vector<double>& fpr);

/// Export form of several tradeoff series (mean, and mean ± std as faint series).
PlotDescription describeTradeoff(const std::vector<TradeoffSeries>& series, const std::string& title,
                                 const std::string& yLabel);

}  // namespace trustlab
