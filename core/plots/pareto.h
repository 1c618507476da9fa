// core/plots: the Pareto front of points in two objectives (e.g. accuracy up, ε down, MIA AUC
// down): the points no other point beats in both, the set a researcher chooses among.
#pragma once
#include <utility>
#include <vector>

namespace trustlab {

/// front[i]: no point j is at least as good as i in both objectives and better in one.
/// `higherX`/`higherY` say which way each objective improves; non-finite points are never on it.
std::vector<bool> paretoFront(const std::vector<std::pair<double, double>>& points, bool higherX, bool higherY);

}  // namespace trustlab
