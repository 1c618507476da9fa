// core/fairness: do bias metrics agree? Over a set of runs (Cao et al. 2022 correlate intrinsic
// and extrinsic metrics over models), Pearson's r and Spearman's ρ (Pearson on average ranks, so
// ties are handled) of every pair of metrics, each with a BCa bootstrap interval over runs (the
// runs are resampled as pairs; group_metrics.h). Runs missing either metric of a pair are left
// out of that pair only.
#pragma once
#include <string>
#include <vector>

#include "fairness/group_metrics.h"

namespace trustlab {

/// Pearson's r; NaN when either side is constant or there are fewer than 3 pairs.
double pearson(const std::vector<double>& x, const std::vector<double>& y);
/// Average ranks (1-based; tied values share the mean of their ranks).
std::vector<double> averageRanks(const std::vector<double>& x);
/// Spearman's ρ: Pearson's r of the average ranks.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

struct MetricColumn {
  std::string key;             ///< "fairness/ceat/occupations/effect_size"
  std::vector<double> values;  ///< one per run (NaN: not measured on that run)
};

struct CorrelationCell {
  Estimate pearson, spearman;  ///< each with its BCa 95 % interval
  long runs = 0;               ///< runs with both metrics
};

struct CorrelationMatrix {
  std::vector<std::string> keys;
  std::vector<std::vector<CorrelationCell>> cells;  ///< [i][j], symmetric; the diagonal is 1
};

/// Every pair of `columns` (all of equal length, one value per run).
CorrelationMatrix correlateMetrics(const std::vector<MetricColumn>& columns, int replicates = 2000, uint64_t seed = 1);

}  // namespace trustlab
