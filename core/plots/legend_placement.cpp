#include "plots/legend_placement.h"

#include <algorithm>
#include <cmath>

namespace trustlab {
namespace {

bool inBox(const std::pair<double, double>& p, LegendSpot spot, double width, double height) {
  const bool right = spot == LegendSpot::TopRight || spot == LegendSpot::BottomRight;
  const bool top = spot == LegendSpot::TopRight || spot == LegendSpot::TopLeft;
  const bool inX = right ? p.first >= 1 - width : p.first <= width;
  const bool inY = top ? p.second >= 1 - height : p.second <= height;
  return inX && inY;
}

}  // namespace

LegendChoice chooseLegendSpot(const std::vector<std::pair<double, double>>& points, double width, double height,
                              LegendSpot preferred, double tolerance) {
  // A legend nearly as wide as the axes, or over most of their height, leaves no corner free.
  if (!(width <= 0.8 && height <= 0.75) || preferred == LegendSpot::Outside) return {LegendSpot::Outside, 0};
  std::vector<LegendSpot> order{preferred};
  for (auto s : {LegendSpot::TopRight, LegendSpot::BottomRight, LegendSpot::TopLeft, LegendSpot::BottomLeft})
    if (s != preferred) order.push_back(s);
  LegendChoice best{preferred, -1};
  for (const auto spot : order) {
    const long covered = long(std::count_if(points.begin(), points.end(), [&](const auto& p) {
      return std::isfinite(p.first) && std::isfinite(p.second) && inBox(p, spot, width, height);
    }));
    if (best.covered < 0 || covered < best.covered) best = {spot, covered};
  }
  if (double(best.covered) > tolerance * double(points.size())) return {LegendSpot::Outside, 0};
  return best;
}

}  // namespace trustlab
