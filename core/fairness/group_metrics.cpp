#include "fairness/group_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "attacks/roc.h"
#include "privacy/log_math.h"
#include "util/errors.h"
#include "util/numbers.h"

namespace trustlab {
namespace {

/// The q-quantile of sorted `v`, interpolating linearly between order statistics.
double sortedQuantile(const std::vector<double>& v, double q) {
  const double pos = std::clamp(q, 0.0, 1.0) * double(v.size() - 1);
  const size_t lo = size_t(std::floor(pos)), hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

/// The jackknife's acceleration: leave-one-out, or leave-a-block-out over 200 blocks.
double jackknifeAcceleration(long n, const std::function<double(const std::vector<long>&)>& statistic) {
  const long groups = std::min(n, 200L);
  std::vector<double> theta;
  for (long g = 0; g < groups; ++g) {
    std::vector<long> rows;
    for (long i = 0; i < n; ++i)
      if (i * groups / n != g) rows.push_back(i);
    if (const double t = statistic(rows); std::isfinite(t)) theta.push_back(t);
  }
  if (theta.size() < 2) return 0;
  double mean = 0;
  for (double t : theta) mean += t / double(theta.size());
  double s2 = 0, s3 = 0;
  for (double t : theta) s2 += (mean - t) * (mean - t), s3 += (mean - t) * (mean - t) * (mean - t);
  return s2 > 0 ? s3 / (6 * std::pow(s2, 1.5)) : 0;
}

double ratioOr(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : kNaN; }

double auc(const std::vector<double>& score, const std::vector<int>& y, const std::vector<bool>& keep) {
  std::vector<double> s;
  std::vector<bool> positive;
  for (size_t i = 0; i < score.size(); ++i)
    if (keep[i]) s.push_back(score[i]), positive.push_back(y[i] == 1);
  const long pos = long(std::count(positive.begin(), positive.end(), true));
  if (pos == 0 || pos == long(positive.size())) return kNaN;
  return rocAuc(rocCurve(s, positive));
}

}  // namespace

std::map<std::string, GroupRates> ratesByGroup(const std::vector<int>& y, const std::vector<int>& yhat,
                                               const std::vector<std::string>& group) {
  if (y.size() != yhat.size() || y.size() != group.size())
    throw InputError("fairness", "labels, predictions and groups differ in length");
  struct Counts {
    long n = 0, correct = 0, selected = 0, tp = 0, fp = 0, positives = 0, negatives = 0;
  };
  std::map<std::string, Counts> counts;
  for (size_t i = 0; i < y.size(); ++i) {
    auto& c = counts[group[i]];
    c.n++;
    c.correct += y[i] == yhat[i];
    c.selected += yhat[i] == 1;
    c.positives += y[i] == 1;
    c.negatives += y[i] != 1;
    c.tp += y[i] == 1 && yhat[i] == 1;
    c.fp += y[i] != 1 && yhat[i] == 1;
  }
  std::map<std::string, GroupRates> out;
  for (const auto& [g, c] : counts) {
    GroupRates r;
    r.n = c.n;
    r.accuracy = ratioOr(double(c.correct), double(c.n));
    r.selectionRate = ratioOr(double(c.selected), double(c.n));
    r.tpr = ratioOr(double(c.tp), double(c.positives));
    r.fnr = c.positives > 0 ? 1 - r.tpr : kNaN;
    r.fpr = ratioOr(double(c.fp), double(c.negatives));
    out[g] = r;
  }
  return out;
}

Disparity disparity(const std::map<std::string, GroupRates>& rates, double GroupRates::*rate) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& [g, r] : rates) {
    if (std::isnan(r.*rate)) continue;
    lo = std::min(lo, r.*rate);
    hi = std::max(hi, r.*rate);
  }
  if (lo > hi) return {kNaN, kNaN};
  return {hi - lo, hi > 0 ? lo / hi : 1.0};
}

Disparity equalizedOdds(const std::map<std::string, GroupRates>& rates, bool worstCase) {
  const auto t = disparity(rates, &GroupRates::tpr), f = disparity(rates, &GroupRates::fpr);
  return {worstCase ? std::max(t.difference, f.difference) : (t.difference + f.difference) / 2,
          std::min(t.ratio, f.ratio)};
}

BiasAucs biasAucs(const std::vector<double>& score, const std::vector<int>& y, const std::vector<bool>& inGroup) {
  std::vector<bool> sub(score.size()), bpsn(score.size()), bnsp(score.size());
  for (size_t i = 0; i < score.size(); ++i) {
    sub[i] = inGroup[i];
    bpsn[i] = inGroup[i] ? y[i] != 1 : y[i] == 1;  // background positives, subgroup negatives
    bnsp[i] = inGroup[i] ? y[i] == 1 : y[i] != 1;  // subgroup positives, background negatives
  }
  return {auc(score, y, sub), auc(score, y, bpsn), auc(score, y, bnsp)};
}

double powerMean(const std::vector<double>& values, double p) {
  double sum = 0;
  long n = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    sum += std::pow(v, p);
    ++n;
  }
  return n ? std::pow(sum / double(n), 1 / p) : kNaN;
}

double counterfactualTokenFairnessGap(const std::vector<double>& f, const std::vector<std::vector<double>>& cf) {
  double total = 0;
  long n = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (cf[i].empty()) continue;
    double gap = 0;
    for (double v : cf[i]) gap += std::abs(f[i] - v);
    total += gap / double(cf[i].size());
    ++n;
  }
  return n ? total / double(n) : kNaN;
}

double counterfactualFlipRate(const std::vector<double>& f, const std::vector<std::vector<double>>& cf, double t) {
  long flips = 0, pairs = 0;
  for (size_t i = 0; i < f.size(); ++i)
    for (double v : cf[i]) {
      flips += (f[i] >= t) != (v >= t);
      ++pairs;
    }
  return pairs ? double(flips) / double(pairs) : kNaN;
}

std::vector<Interval> bootstrapIntervals(long n, const std::function<std::vector<double>(const std::vector<long>&)>& statistics,
                                         int replicates, uint64_t seed, double level) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<long> pick(0, std::max(0L, n - 1));
  std::vector<std::vector<double>> values;
  std::vector<long> rows(static_cast<size_t>(n));
  for (int b = 0; b < replicates && n > 0; ++b) {
    for (auto& r : rows) r = pick(rng);
    const auto v = statistics(rows);
    values.resize(v.size());
    for (size_t k = 0; k < v.size(); ++k)
      if (!std::isnan(v[k])) values[k].push_back(v[k]);
  }
  std::vector<Interval> out;
  for (auto& v : values) {
    if (v.empty()) {
      out.push_back({kNaN, kNaN});
      continue;
    }
    std::sort(v.begin(), v.end());
    out.push_back({sortedQuantile(v, (1 - level) / 2), sortedQuantile(v, 1 - (1 - level) / 2)});
  }
  return out;
}

Interval bootstrapInterval(long n, const std::function<double(const std::vector<long>&)>& statistic, int replicates,
                           uint64_t seed, double level) {
  const auto one = bootstrapIntervals(
      n, [&](const std::vector<long>& rows) { return std::vector<double>{statistic(rows)}; }, replicates, seed, level);
  return one.empty() ? Interval{kNaN, kNaN} : one.front();
}

Estimate bcaBootstrap(long n, const std::function<double(const std::vector<long>&)>& statistic, int replicates,
                      uint64_t seed, double level) {
  std::vector<long> all(static_cast<size_t>(std::max(0L, n)));
  for (long i = 0; i < n; ++i) all[size_t(i)] = i;
  Estimate e{n > 0 ? statistic(all) : kNaN, {kNaN, kNaN}};
  if (!std::isfinite(e.value) || n < 3) return e;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<long> pick(0, n - 1);
  std::vector<double> v;
  std::vector<long> rows(all.size());
  double below = 0;
  for (int b = 0; b < replicates; ++b) {
    for (auto& r : rows) r = pick(rng);
    const double t = statistic(rows);
    if (!std::isfinite(t)) continue;
    v.push_back(t);
    below += t < e.value ? 1 : t == e.value ? 0.5 : 0;
  }
  if (v.size() < 2) return e;
  std::sort(v.begin(), v.end());
  const double B = double(v.size());
  const double z0 = logmath::normalQuantile(std::clamp(below / B, 0.5 / B, 1 - 0.5 / B));
  const double a = jackknifeAcceleration(n, statistic);
  const auto corrected = [&](double alpha) {
    const double z = z0 + logmath::normalQuantile(alpha);
    return logmath::normalCdf(z0 + z / (1 - a * z));
  };
  e.ci.low = sortedQuantile(v, corrected((1 - level) / 2));
  e.ci.high = sortedQuantile(v, corrected(1 - (1 - level) / 2));
  return e;
}

}  // namespace trustlab
