#include "fairness/fairness_metrics.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "util/numbers.h"

namespace trustlab {
namespace {

/// A one-vs-rest metric of the compared groups' rates.
FairnessMetric ratesMetric(std::function<double(const std::map<std::string, GroupRates>&)> f) {
  return {[f = std::move(f)](const FairnessSample& s) {
    return meanOverClasses(s, [&](size_t c) { return f(s.classRates[c]); });
  }};
}

/// Borkan et al. 2019's generalized mean (p = −5) of one bias AUC over the compared groups.
FairnessMetric generalizedMeanAuc(double BiasAucs::*auc) {
  return {[auc](const FairnessSample& s) {
    return meanOverClasses(s, [&](size_t c) {
      std::vector<double> values;
      for (const auto& a : s.classAucs[c]) values.push_back(a.*auc);
      return powerMean(values, -5);
    });
  }};
}

/// Max − min over the compared groups of multiclass accuracy.
double accuracyDifference(const FairnessSample& s) {
  double lo = 1, hi = 0;
  for (const auto& [group, accuracy] : s.groupAccuracy)
    if (isComparedGroup(group)) lo = std::min(lo, accuracy), hi = std::max(hi, accuracy);
  return hi >= lo ? hi - lo : kNaN;
}

/// Share of (text, counterfactual) pairs whose predicted class differs.
double flipRate(const FairnessSample& s) {
  long flips = 0, pairs = 0;
  for (long r : s.rows)
    for (long p : s.scores.cfPredicted[size_t(r)]) flips += p != s.scores.predicted[size_t(r)], ++pairs;
  return pairs ? double(flips) / double(pairs) : kNaN;
}

/// Garg et al. 2019: mean |f(x) − f(x')| over counterfactual pairs.
double counterfactualGap(const FairnessSample& s) {
  std::vector<double> f;
  std::vector<std::vector<double>> cfs;
  const auto probability = s.scores.probabilities.accessor<double, 2>();
  for (long r : s.rows) {
    f.push_back(probability[r][s.scores.predicted[size_t(r)]]);
    cfs.push_back(s.scores.cfScore[size_t(r)]);
  }
  return counterfactualTokenFairnessGap(f, cfs);
}

/// Accumulated prediction sensitivity (Dhamala et al. 2022), mean over the sample's rows.
double accumulatedSensitivity(const FairnessSample& s) {
  double sum = 0;
  for (long r : s.rows) sum += s.scores.sensitivity.empty() ? kNaN : s.scores.sensitivity[size_t(r)];
  return s.rows.empty() ? kNaN : sum / double(s.rows.size());
}

}  // namespace

bool isComparedGroup(const std::string& group) { return group != "mixed" && group != "none"; }

double meanIgnoringNaN(const std::vector<double>& v) {
  double sum = 0;
  long n = 0;
  for (double x : v)
    if (!std::isnan(x)) sum += x, ++n;
  return n ? sum / double(n) : kNaN;
}

double meanOverClasses(const FairnessSample& s, const std::function<double(size_t)>& perClass) {
  std::vector<double> values;
  for (size_t c = 0; c < s.classRates.size(); ++c) values.push_back(perClass(c));
  return meanIgnoringNaN(values);
}

Registry<FairnessMetric>& fairnessMetricRegistry() {
  static Registry<FairnessMetric> r("fairness metric", "", [](auto& reg) {
    const auto rate = [](double GroupRates::*m) {
      return [m](const std::map<std::string, GroupRates>& g) { return disparity(g, m).difference; };
    };
    reg.add({"accuracy_difference", "max − min accuracy over the gender groups"}, {accuracyDifference});
    reg.add({"dp_difference", "demographic parity difference: max − min selection rate"},
            ratesMetric(rate(&GroupRates::selectionRate)));
    reg.add({"dp_ratio", "demographic parity ratio: min / max selection rate"},
            ratesMetric([](const auto& g) { return disparity(g, &GroupRates::selectionRate).ratio; }));
    reg.add({"eo_difference", "equalized odds difference: the larger of the TPR and FPR differences"},
            ratesMetric([](const auto& g) { return equalizedOdds(g).difference; }));
    reg.add({"eo_ratio", "equalized odds ratio: the smaller of the TPR and FPR ratios"},
            ratesMetric([](const auto& g) { return equalizedOdds(g).ratio; }));
    reg.add({"tpr_difference", "equal opportunity difference: max − min true positive rate"},
            ratesMetric(rate(&GroupRates::tpr)));
    reg.add({"fpr_difference", "max − min false positive rate"}, ratesMetric(rate(&GroupRates::fpr)));
    reg.add({"flip_rate", "share of counterfactual pairs whose prediction flips"}, {flipRate});
    reg.add({"ctf_gap", "counterfactual token fairness gap: mean |f(x) − f(x')| (Garg et al. 2019)"},
            {counterfactualGap});
    reg.add({"gm_subgroup_auc", "generalized mean (p = −5) of subgroup AUCs (Borkan et al. 2019)"},
            generalizedMeanAuc(&BiasAucs::subgroup));
    reg.add({"gm_bpsn_auc", "generalized mean of BPSN AUCs (background positive, subgroup negative)"},
            generalizedMeanAuc(&BiasAucs::bpsn));
    reg.add({"gm_bnsp_auc", "generalized mean of BNSP AUCs (background negative, subgroup positive)"},
            generalizedMeanAuc(&BiasAucs::bnsp));
    reg.add({"aps", "accumulated prediction sensitivity to gender (Dhamala et al. 2022)"}, {accumulatedSensitivity});
  });
  return r;
}

}  // namespace trustlab
