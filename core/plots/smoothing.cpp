#include "plots/smoothing.h"

#include <algorithm>
#include <cmath>

namespace trustlab {

std::vector<double> smoothDebiasedEma(const std::vector<double>& values, double weight) {
  weight = std::clamp(weight, 0.0, 1.0);
  bool constant = true;
  for (size_t i = 1; i < values.size() && constant; ++i) constant = values[i] == values[0];
  if (constant) return values;
  std::vector<double> out;
  out.reserve(values.size());
  double last = values.empty() ? std::nan("") : 0.0;
  int accumulated = 0;
  double power = 1;  // weight^accumulated, until 1 − it is exactly 1 (then pow is no longer called)
  for (double v : values) {
    if (!std::isfinite(v)) {
      out.push_back(v);
      continue;
    }
    last = last * weight + (1 - weight) * v;
    ++accumulated;
    if (power > 1e-18) power = std::pow(weight, accumulated);
    const double debias = weight == 1.0 ? 1.0 : 1.0 - (power > 1e-18 ? power : 0.0);
    out.push_back(last / debias);
  }
  return out;
}

}  // namespace trustlab
