#include "fairness/metric_correlation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "util/errors.h"
#include "util/numbers.h"

namespace trustlab {
namespace {

/// `statistic` of the rows of (x, y) given by `rows`.
double onRows(const std::vector<double>& x, const std::vector<double>& y, const std::vector<long>& rows,
              double (*statistic)(const std::vector<double>&, const std::vector<double>&)) {
  std::vector<double> a, b;
  for (long r : rows) a.push_back(x[size_t(r)]), b.push_back(y[size_t(r)]);
  return statistic(a, b);
}

CorrelationCell correlatePair(const std::vector<double>& x, const std::vector<double>& y, int replicates, uint64_t seed) {
  std::vector<double> a, b;
  for (size_t i = 0; i < x.size(); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) a.push_back(x[i]), b.push_back(y[i]);
  CorrelationCell c;
  c.runs = long(a.size());
  c.pearson = bcaBootstrap(c.runs, [&](const std::vector<long>& rows) { return onRows(a, b, rows, pearson); }, replicates, seed);
  c.spearman = bcaBootstrap(c.runs, [&](const std::vector<long>& rows) { return onRows(a, b, rows, spearman); }, replicates, seed);
  return c;
}

}  // namespace

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = std::min(x.size(), y.size());
  if (n < 3) return kNaN;
  const double mx = std::accumulate(x.begin(), x.begin() + long(n), 0.0) / double(n);
  const double my = std::accumulate(y.begin(), y.begin() + long(n), 0.0) / double(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  // Relative to the scale of the data: a "constant" column of rounding noise has no correlation.
  if (sxx <= 1e-24 * (1 + mx * mx) * double(n) || syy <= 1e-24 * (1 + my * my) * double(n)) return kNaN;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

std::vector<double> averageRanks(const std::vector<double>& x) {
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(x.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double rank = double(i + j) / 2 + 1;  // the mean of ranks i+1 … j+1
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) { return pearson(averageRanks(x), averageRanks(y)); }

CorrelationMatrix correlateMetrics(const std::vector<MetricColumn>& columns, int replicates, uint64_t seed) {
  CorrelationMatrix m;
  for (const auto& c : columns) {
    if (c.values.size() != columns.front().values.size())
      throw InputError("correlation", "metric '" + c.key + "' has " + std::to_string(c.values.size()) + " values, not one per run (" +
                                          std::to_string(columns.front().values.size()) + ")");
    m.keys.push_back(c.key);
  }
  const size_t k = columns.size();
  m.cells.assign(k, std::vector<CorrelationCell>(k));
  for (size_t i = 0; i < k; ++i)
    for (size_t j = i; j < k; ++j) {
      m.cells[i][j] = correlatePair(columns[i].values, columns[j].values, replicates, seed);
      m.cells[j][i] = m.cells[i][j];
    }
  return m;
}

}  // namespace trustlab
