#include "plots/pareto.h"

#include <cmath>

namespace trustlab {

std::vector<bool> paretoFront(const std::vector<std::pair<double, double>>& points, bool higherX, bool higherY) {
  // O(n²): a comparison view holds tens of runs, a sweep a few hundred.
  const auto finite = [](const std::pair<double, double>& p) { return std::isfinite(p.first) && std::isfinite(p.second); };
  const auto atLeast = [](double a, double b, bool higher) { return higher ? a >= b : a <= b; };
  std::vector<bool> front(points.size(), false);
  for (size_t i = 0; i < points.size(); ++i) {
    if (!finite(points[i])) continue;
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j) {
      if (j == i || !finite(points[j])) continue;
      const auto &a = points[j], &b = points[i];
      dominated = atLeast(a.first, b.first, higherX) && atLeast(a.second, b.second, higherY) &&
                  (a.first != b.first || a.second != b.second);
    }
    front[i] = !dominated;
  }
  return front;
}

}  // namespace trustlab
