#include "plots/decimation.h"

#include <algorithm>
#include <cmath>

namespace trustlab {

DecimatedLine decimateM4(const double* x, const double* y, size_t n, double from, double to, int columns) {
  DecimatedLine out;
  if (n == 0) return out;
  // The visible span and one neighbour on each side.
  size_t begin = size_t(std::lower_bound(x, x + n, from) - x);
  size_t end = size_t(std::upper_bound(x, x + n, to) - x);
  if (begin > 0) --begin;
  if (end < n) ++end;
  const auto keep = [&](size_t i) {
    out.x.push_back(x[i]);
    out.y.push_back(y[i]);
  };
  if (columns < 1 || end - begin <= 4 * size_t(columns) || !(to > from)) {
    for (size_t i = begin; i < end; ++i) keep(i);
    return out;
  }
  const double width = (to - from) / columns;
  size_t i = begin;
  while (i < end) {
    // The points of one column: [i, j).
    const double column = std::floor((x[i] - from) / width);
    size_t j = i + 1;
    while (j < end && std::floor((x[j] - from) / width) == column) ++j;
    size_t low = i, high = i;
    bool seen = false, gap = false;
    for (size_t k = i; k < j; ++k) {
      if (std::isnan(y[k])) {
        gap = true;
        continue;
      }
      if (!seen || y[k] < y[low]) low = k;
      if (!seen || y[k] > y[high]) high = k;
      seen = true;
    }
    size_t picked[4] = {i, std::min(low, high), std::max(low, high), j - 1};
    const size_t* last = std::unique(picked, picked + 4);
    for (const size_t* p = picked; p != last; ++p) keep(*p);
    if (gap) {  // a NaN breaks the line: one at the column's end keeps the break (and x sorted)
      out.x.push_back(x[j - 1]);
      out.y.push_back(std::nan(""));
    }
    i = j;
  }
  return out;
}

}  // namespace trustlab
