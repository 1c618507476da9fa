#include "plots/tradeoff.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace trustlab {

TradeoffSeries tradeoffSeries(const std::vector<SweepCell>& cells, const std::string& dataset, const std::string& model,
                              const std::string& metric) {
  TradeoffSeries s;
  s.metric = s.name = metric;
  std::vector<const SweepCell*> finite;
  for (const auto& c : cells) {
    if (c.dataset != dataset || c.model != model) continue;
    const auto it = c.metrics.find(metric);
    if (it == c.metrics.end()) continue;
    if (std::isinf(c.epsilon)) {
      s.hasNonPrivate = true;
      s.nonPrivateMean = it->second.first;
      s.nonPrivateStd = it->second.second;
    } else {
      finite.push_back(&c);
    }
  }
  std::sort(finite.begin(), finite.end(), [](auto* a, auto* b) { return a->epsilon < b->epsilon; });
  for (const auto* c : finite) {
    s.epsilon.push_back(c->epsilon);
    s.mean.push_back(c->metrics.at(metric).first);
    s.std.push_back(c->metrics.at(metric).second);
  }
  return s;
}

double interpolateAtEpsilon(const TradeoffSeries& s, double epsilon) {
  const size_t n = s.epsilon.size();
  if (n == 0 || epsilon < s.epsilon.front() || epsilon > s.epsilon.back() || !(epsilon > 0))
    return std::numeric_limits<double>::quiet_NaN();
  if (n == 1) return s.mean[0];
  const size_t hi = size_t(std::lower_bound(s.epsilon.begin(), s.epsilon.end(), epsilon) - s.epsilon.begin());
  if (s.epsilon[hi] == epsilon) return s.mean[hi];
  const size_t lo = hi - 1;
  const double t = std::log(epsilon / s.epsilon[lo]) / std::log(s.epsilon[hi] / s.epsilon[lo]);
  return s.mean[lo] + t * (s.mean[hi] - s.mean[lo]);
}

std::vector<double> dpTprBound(double epsilon, double delta, const std::vector<double>& fpr) {
  std::vector<double> tpr;
  for (double f : fpr)
    tpr.push_back(std::clamp(std::min(std::exp(epsilon) * f + delta, 1 - std::exp(-epsilon) * (1 - delta - f)), 0.0, 1.0));
  return tpr;
}

PlotDescription describeTradeoff(const std::vector<TradeoffSeries>& series, const std::string& title,
                                 const std::string& yLabel) {
  PlotDescription d{title, "ε", yLabel, {}, true, false};
  for (const auto& s : series) {
    PlotSeries mean{s.name, s.epsilon, s.mean, "", false, false};
    PlotSeries lo{s.name + " − std", s.epsilon, {}, "", true, true}, hi{s.name + " + std", s.epsilon, {}, "", true, true};
    for (size_t i = 0; i < s.mean.size(); ++i) {
      lo.y.push_back(s.mean[i] - s.std[i]);
      hi.y.push_back(s.mean[i] + s.std[i]);
    }
    d.series.push_back(mean);
    d.series.push_back(lo);
    d.series.push_back(hi);
    if (s.hasNonPrivate && !s.epsilon.empty())
      d.series.push_back({s.name + " (non-private)", {s.epsilon.front(), s.epsilon.back()},
                          {s.nonPrivateMean, s.nonPrivateMean}, "", true, false});
  }
  return d;
}

}  // namespace trustlab
