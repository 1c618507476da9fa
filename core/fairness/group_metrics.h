// core/fairness: how a classifier's decisions differ between groups. Binary rates per group with
// Fairlearn's between-group differences (max − min) and ratios (min / max); Borkan et al.'s
// subgroup, BPSN and BNSP AUCs with their generalised mean; counterfactual token fairness (Garg
// et al. 2019) and flip rate; percentile-bootstrap intervals for any of them.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace trustlab {

struct GroupRates {
  long n = 0;
  double accuracy = 0, selectionRate = 0, tpr = 0, fpr = 0, fnr = 0;  ///< NaN when undefined
};

/// Rates of binary decisions (`y`, `yhat` ∈ {0, 1}) for each group name.
std::map<std::string, GroupRates> ratesByGroup(const std::vector<int>& y, const std::vector<int>& yhat,
                                               const std::vector<std::string>& group);

struct Disparity {
  double difference = 0;  ///< max − min over groups
  double ratio = 1;       ///< min / max over groups (1 when max is 0)
};
Disparity disparity(const std::map<std::string, GroupRates>& rates, double GroupRates::*rate);
/// Equalized odds (Fairlearn): worst case max(ΔTPR, ΔFPR) or their mean; ratio min of the two.
Disparity equalizedOdds(const std::map<std::string, GroupRates>& rates, bool worstCase = true);

/// Borkan et al. 2019, higher = less biased. NaN when a set lacks positives or negatives.
struct BiasAucs {
  double subgroup = 0, bpsn = 0, bnsp = 0;
};
BiasAucs biasAucs(const std::vector<double>& score, const std::vector<int>& y, const std::vector<bool>& inGroup);
/// ((1/N) Σ m^p)^(1/p); p = −5 in Borkan et al.
double powerMean(const std::vector<double>& values, double p);

/// Mean over examples of the mean |f(x) − f(x')| over its counterfactuals x'.
double counterfactualTokenFairnessGap(const std::vector<double>& f, const std::vector<std::vector<double>>& counterfactuals);
/// Share of (x, x') pairs whose decision at threshold t differs.
double counterfactualFlipRate(const std::vector<double>& f, const std::vector<std::vector<double>>& counterfactuals,
                              double threshold = 0.5);

struct Interval {
  double low = 0, high = 0;
};
/// Percentile bootstrap (2.5 %, 97.5 % by default): `statistic` of `replicates` resamples (with
/// replacement) of the n row indices; NaN replicates are skipped.
Interval bootstrapInterval(long n, const std::function<double(const std::vector<long>&)>& statistic,
                           int replicates = 200, uint64_t seed = 1, double level = 0.95);
/// The same for several statistics computed together on each resample (one interval each).
std::vector<Interval> bootstrapIntervals(long n, const std::function<std::vector<double>(const std::vector<long>&)>& statistics,
                                         int replicates = 200, uint64_t seed = 1, double level = 0.95);

/// A statistic with its bootstrap interval.
struct Estimate {
  double value = 0;
  Interval ci;
};
/// BCa bootstrap (Efron 1987): the statistic on all n rows, and the percentile interval of
/// `replicates` resamples at levels corrected for bias, z0 = Φ⁻¹(share of replicates below the
/// estimate, ties half), and acceleration, a = Σd³ / (6 (Σd²)^1.5) with d = θ̄₍.₎ − θ₍ᵢ₎ over the
/// leave-one-out jackknife (200 leave-a-block-out groups when n > 200):
/// α' = Φ(z0 + (z0 + z_α) / (1 − a (z0 + z_α))). Unlike the percentile interval it follows a
/// skewed or biased sampling distribution (a correlation near ±1). NaN replicates are skipped.
Estimate bcaBootstrap(long n, const std::function<double(const std::vector<long>&)>& statistic, int replicates = 2000,
                      uint64_t seed = 1, double level = 0.95);

}  // namespace trustlab
