#include "plots/parallel_coordinates.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "util/text.h"

namespace trustlab {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

/// Positions of `values` on an axis spanning their range (the middle when they are all equal).
std::vector<double> scaled(const std::vector<double>& values, ParallelAxis& axis) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  axis.low = axis.flipped ? hi : lo;
  axis.high = axis.flipped ? lo : hi;
  std::vector<double> out;
  for (double v : values) {
    if (!std::isfinite(v)) out.push_back(kMissing);
    else if (hi == lo) out.push_back(0.5);
    else out.push_back(axis.flipped ? (hi - v) / (hi - lo) : (v - lo) / (hi - lo));
  }
  return out;
}

/// One setting's axis: numbers when every value is one, else its distinct texts spread evenly.
std::vector<double> settingAxis(const std::vector<std::optional<std::string>>& values, ParallelAxis& axis) {
  std::vector<double> numbers;
  bool numeric = true;
  for (const auto& v : values) {
    const auto x = v ? parseFiniteNumber(*v) : std::optional<double>(kMissing);
    if (!x) numeric = false;
    numbers.push_back(x.value_or(kMissing));
  }
  if (numeric) return scaled(numbers, axis);
  for (const auto& v : values)
    if (v && std::find(axis.categories.begin(), axis.categories.end(), *v) == axis.categories.end())
      axis.categories.push_back(*v);
  std::sort(axis.categories.begin(), axis.categories.end());
  std::vector<double> out;
  const double n = double(axis.categories.size());
  for (const auto& v : values) {
    if (!v) {
      out.push_back(kMissing);
      continue;
    }
    const auto at = double(std::find(axis.categories.begin(), axis.categories.end(), *v) - axis.categories.begin());
    out.push_back(n == 1 ? 0.5 : at / (n - 1));
  }
  return out;
}

}  // namespace

ParallelCoordinates parallelCoordinates(const RunComparison& c, const std::vector<std::string>& metrics,
                                        const std::function<bool(const std::string&)>& lowerIsBetter,
                                        size_t maxSettings) {
  ParallelCoordinates pc;
  pc.lines.assign(c.runs.size(), {});
  const auto addColumn = [&](const ParallelAxis& axis, const std::vector<double>& positions) {
    pc.axes.push_back(axis);
    for (size_t r = 0; r < positions.size(); ++r) pc.lines[r].push_back(positions[r]);
  };
  size_t settings = 0;
  for (const auto& [key, values] : c.differingSettings) {
    if (settings++ == maxSettings) break;
    ParallelAxis axis{key};
    const auto positions = settingAxis(values, axis);
    addColumn(axis, positions);
  }
  for (const auto& key : metrics) {
    const auto it = c.metrics.find(key);
    if (it == c.metrics.end()) continue;
    ParallelAxis axis{key, true, lowerIsBetter(key)};
    std::vector<double> values;
    for (const auto& v : it->second) values.push_back(v.value_or(kMissing));
    const auto positions = scaled(values, axis);
    addColumn(axis, positions);
  }
  return pc;
}

}  // namespace trustlab
