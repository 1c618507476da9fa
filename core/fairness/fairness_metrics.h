// core/fairness: the classifier fairness metrics of a fairness audit, one registry entry each
// (Fairlearn's dp/eo differences and ratios, Borkan et al.'s generalized-mean bias AUCs,
// counterfactual flip rate and token fairness gap, accumulated prediction sensitivity, …).
// A metric maps one sample of the test split (the whole split, or a bootstrap resample) to a
// number; the audit computes it on the split and on every resample for its interval and records
// it on the run as fairness/<name>. Plugins add metrics to the same registry.
#pragma once
#include <torch/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/registry.h"
#include "fairness/group_metrics.h"

namespace trustlab {

/// What the model did on each test row.
struct FairnessScores {
  std::vector<long> label, predicted;           ///< class indices
  std::vector<std::string> group;               ///< female, male, mixed, none
  torch::Tensor probabilities;                  ///< [N, C] double, on the CPU
  std::vector<std::vector<long>> cfPredicted;   ///< per row: its counterfactuals' predicted classes
  std::vector<std::vector<double>> cfScore;     ///< per row: P(row's predicted class) on each counterfactual
  std::vector<double> sensitivity;              ///< prediction sensitivity to gender; empty when unknown
};

/// Disparities compare the gender groups; texts naming no ("none") or both ("mixed") genders
/// are reported but not compared.
bool isComparedGroup(const std::string& group);

/// One sample of the test split as every metric sees it.
struct FairnessSample {
  const FairnessScores& scores;
  const std::vector<long>& rows;  ///< test rows, repeated when resampled
  const std::vector<long>& classes;  ///< the audited class indices (one-vs-rest), one per classRates entry
  /// Per audited class (one-vs-rest; one class when the audit has a positive label): the rates of
  /// each compared group that has rows in the sample, and the bias AUCs of every compared group
  /// of the split, in report order (NaN when the group has no rows in the sample).
  std::vector<std::map<std::string, GroupRates>> classRates;
  std::vector<std::vector<BiasAucs>> classAucs;
  std::map<std::string, double> groupAccuracy;  ///< multiclass accuracy of each group with rows in the sample
};

/// The mean over audited classes of `perClass`, classes where it is NaN left out (how every
/// one-vs-rest metric becomes one number; NaN when no class has a value).
double meanOverClasses(const FairnessSample& s, const std::function<double(size_t classIndex)>& perClass);
double meanIgnoringNaN(const std::vector<double>& v);

struct FairnessMetric {
  std::function<double(const FairnessSample&)> value;  ///< NaN when undefined on the sample
};
/// dp_difference, eo_ratio, flip_rate, aps, … and any added by plugins.
Registry<FairnessMetric>& fairnessMetricRegistry();

}  // namespace trustlab
