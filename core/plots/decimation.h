// core/plots: line decimation for drawing. M4 (Jugel et al., VLDB 2014): per pixel column the
// first, lowest, highest and last point, in order, draw exactly the picture all the points in
// that column would — so a million-point curve redraws from a few thousand on every zoom and pan.
#pragma once
#include <cstddef>
#include <vector>

namespace trustlab {

struct DecimatedLine {
  std::vector<double> x, y;
};

/// The points of (x, y) (x ascending) that draw the same line at `columns` pixel columns over
/// [from, to], with the neighbours just outside so the line enters and leaves the view; all the
/// visible points when there are no more than 4 per column. NaN values are kept (they break the line).
DecimatedLine decimateM4(const double* x, const double* y, size_t n, double from, double to, int columns);

}  // namespace trustlab
