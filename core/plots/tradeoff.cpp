#include "plots/tradeoff.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "util/text.h"

namespace trustlab {

namespace {

std::string epsilonText(double e) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", e);
  return std::isinf(e) ? "inf" : buf;
}

}  // namespace

std::vector<std::string> tradeoffAxes(const std::vector<SweepCell>& cells) {
  std::set<double> epsilons;
  std::map<std::string, bool> numeric;  // field → all its values are numbers
  std::map<std::string, std::set<std::string>> distinct;
  for (const auto& c : cells) {
    epsilons.insert(c.epsilon);
    for (const auto& [field, value] : c.settings) {
      auto [it, fresh] = numeric.emplace(field, true);
      it->second = it->second && parseFiniteNumber(value).has_value();
      distinct[field].insert(value);
    }
  }
  std::vector<std::string> axes;
  if (epsilons.size() > 1 || (epsilons.size() == 1 && !std::isinf(*epsilons.begin()))) axes.push_back(kEpsilonAxis);
  for (const auto& [field, isNumber] : numeric)
    if (isNumber && distinct[field].size() > 1) axes.push_back(field);
  return axes;
}

std::string tradeoffGroup(const SweepCell& c, const std::string& xAxis) {
  std::string g = c.dataset + " / " + c.model;
  if (xAxis != kEpsilonAxis) g += " / ε=" + epsilonText(c.epsilon);
  for (const auto& [field, value] : c.settings)
    if (field != xAxis) g += " / " + field + "=" + value;
  return g;
}

std::vector<std::string> tradeoffGroups(const std::vector<SweepCell>& cells, const std::string& xAxis) {
  std::vector<std::string> groups;
  for (const auto& c : cells)
    if (const auto g = tradeoffGroup(c, xAxis); std::find(groups.begin(), groups.end(), g) == groups.end())
      groups.push_back(g);
  return groups;
}

TradeoffSeries tradeoffSeries(const std::vector<SweepCell>& cells, const std::string& group, const std::string& metric,
                              const std::string& xAxis) {
  TradeoffSeries s;
  s.metric = s.name = metric;
  std::vector<std::pair<double, const SweepCell*>> points;
  for (const auto& c : cells) {
    if (tradeoffGroup(c, xAxis) != group) continue;
    const auto it = c.metrics.find(metric);
    if (it == c.metrics.end()) continue;
    if (xAxis == kEpsilonAxis && std::isinf(c.epsilon)) {
      s.hasNonPrivate = true;
      s.nonPrivateMean = it->second.first;
      s.nonPrivateStd = it->second.second;
      continue;
    }
    const auto x = xAxis == kEpsilonAxis ? std::optional<double>(c.epsilon)
                   : c.settings.count(xAxis)  ? parseFiniteNumber(c.settings.at(xAxis))
                                              : std::nullopt;
    if (x && (xAxis != kEpsilonAxis || *x > 0)) points.emplace_back(*x, &c);  // ε 0: a fixed σ, no target
  }
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [x, c] : points) {
    s.x.push_back(x);
    s.mean.push_back(c->metrics.at(metric).first);
    s.std.push_back(c->metrics.at(metric).second);
  }
  return s;
}

double interpolateAtEpsilon(const TradeoffSeries& s, double epsilon) {
  const size_t n = s.x.size();
  if (n == 0 || epsilon < s.x.front() || epsilon > s.x.back() || !(epsilon > 0))
    return std::numeric_limits<double>::quiet_NaN();
  if (n == 1) return s.mean[0];
  const size_t hi = size_t(std::lower_bound(s.x.begin(), s.x.end(), epsilon) - s.x.begin());
  if (s.x[hi] == epsilon) return s.mean[hi];
  const size_t lo = hi - 1;
  const double t = std::log(epsilon / s.x[lo]) / std::log(s.x[hi] / s.x[lo]);
  return s.mean[lo] + t * (s.mean[hi] - s.mean[lo]);
}

std::vector<double> dpTprBound(double epsilon, double delta, const std::vector<double>& fpr) {
  std::vector<double> tpr;
  for (double f : fpr)
    tpr.push_back(std::clamp(std::min(std::exp(epsilon) * f + delta, 1 - std::exp(-epsilon) * (1 - delta - f)), 0.0, 1.0));
  return tpr;
}

PlotDescription describeTradeoff(const std::vector<TradeoffSeries>& series, const std::string& title,
                                 const std::string& yLabel, const std::string& xAxis) {
  PlotDescription d{title, xAxis, yLabel, {}, xAxis == kEpsilonAxis, false};
  for (const auto& s : series) {
    PlotSeries mean{s.name, s.x, s.mean, "", false, false};
    PlotSeries lo{s.name + " − std", s.x, {}, "", true, true}, hi{s.name + " + std", s.x, {}, "", true, true};
    for (size_t i = 0; i < s.mean.size(); ++i) {
      lo.y.push_back(s.mean[i] - s.std[i]);
      hi.y.push_back(s.mean[i] + s.std[i]);
    }
    d.series.push_back(mean);
    d.series.push_back(lo);
    d.series.push_back(hi);
    if (s.hasNonPrivate && !s.x.empty())
      d.series.push_back({s.name + " (non-private)", {s.x.front(), s.x.back()},
                          {s.nonPrivateMean, s.nonPrivateMean}, "", true, false});
  }
  return d;
}

std::pair<double, double> xRange(const std::vector<TradeoffSeries>& series) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : series)
    if (!s.x.empty()) lo = std::min(lo, s.x.front()), hi = std::max(hi, s.x.back());
  return {lo, hi};
}

PlotSeries theoryLine(const std::vector<TradeoffSeries>& series) {
  const auto [lo, hi] = xRange(series);
  PlotSeries line{"theoretical ε (y = x)", {}, {}, "#808080", true, false};
  if (!(hi >= lo && lo > 0)) return line;
  // Geometrically spaced: on the log ε axis y = x is a curve, not the chord between its ends.
  constexpr int kPoints = 33;
  for (int i = 0; i < kPoints; ++i) line.x.push_back(lo * std::pow(hi / lo, double(i) / (kPoints - 1)));
  line.y = line.x;
  return line;
}

PlotDescription describeEmpiricalEpsilon(const std::vector<TradeoffSeries>& series) {
  auto d = describeTradeoff(series, "Empirical ε vs theory", "empirical ε (lower bound)", kEpsilonAxis);
  if (auto line = theoryLine(series); !line.x.empty()) d.series.push_back(std::move(line));
  return d;
}

}  // namespace trustlab
