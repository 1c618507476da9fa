// core/plots: where a plot's legend hides the least data. The points and the legend box are in
// axis-rect fractions (x to the right, y up, 0..1), so the same choice serves the screen and an
// export at another size: try the four inside corners in the preferred order, take the one
// covering the fewest points, and put the legend outside (below the axes) when even that one
// would hide more than a tolerated share of them or the box is too big to sit inside.
#pragma once
#include <utility>
#include <vector>

namespace trustlab {

enum class LegendSpot { TopRight, TopLeft, BottomRight, BottomLeft, Outside };

struct LegendChoice {
  LegendSpot spot = LegendSpot::TopRight;
  long covered = 0;  ///< points the legend would hide there (0 outside)
};

/// `points` in axis fractions; `width`, `height` the legend box's share of the axis rect (with
/// its margin). `preferred` is tried first and wins ties. `tolerance`: the share of points a
/// corner may hide and still be used.
LegendChoice chooseLegendSpot(const std::vector<std::pair<double, double>>& points, double width, double height,
                              LegendSpot preferred = LegendSpot::TopRight, double tolerance = 0.005);

}  // namespace trustlab
