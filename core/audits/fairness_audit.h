// core/audits: the fairness audit of a stored classifier. Its test split is grouped by the
// gender its text refers to (the dataset's annotation when it has one, else the words the
// swapper knows), every text with a gendered word gets its counterfactual twin, and the group
// rates, disparities, bias AUCs and counterfactual metrics are reported with bootstrap intervals
// and recorded on the run under fairness/…. Disparities compare the gender groups; texts with
// no ("none") or both ("mixed") genders are reported but not compared. Several classes: each
// rate is one-vs-rest per class, then averaged over classes.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "audits/audit.h"
#include "fairness/counterfactual.h"
#include "fairness/fairness_metrics.h"
#include "fairness/group_metrics.h"

namespace trustlab {

struct FairnessAuditOptions {
  /// Binary view: this label is the positive class. Empty: every class one-vs-rest, averaged.
  std::string positiveLabel;
  int bootstrap = 200;
  uint64_t seed = 1;
  size_t keptExamples = 200;  ///< counterfactual pairs kept for display (all are scored)
  GenderSwapper swapper = GenderSwapper::builtIn();
};

struct GroupFairness {
  std::string group;
  long n = 0;
  Estimate accuracy, selectionRate, tpr, fpr, fnr;
  Estimate subgroupAuc, bpsnAuc, bnspAuc;
};

struct ScoredCounterfactual {
  std::string text, counterfactual, label, predicted, counterfactualPredicted, group;
  std::vector<WordSwap> swaps;
  double score = 0, counterfactualScore = 0;  ///< probability of the class predicted for the original
};

struct ClassifierFairnessReport {
  std::string positiveLabel;  ///< empty: macro over classes
  long examples = 0, counterfactualPairs = 0;
  std::vector<GroupFairness> groups;      ///< female, male (and mixed/none when present)
  std::map<std::string, Estimate> metrics;  ///< dp_difference, eo_difference, flip_rate, … (see .cpp)
  std::vector<ScoredCounterfactual> pairs;  ///< the first keptExamples pairs, in test order
  double protectedStatusAccuracy = 0;       ///< how well gender reads from the token vectors (test)
};

ClassifierFairnessReport auditClassifierFairness(const AuditedRun& run, const FairnessAuditOptions& options = {});

inline constexpr char kFairnessAudit[] = "fairness";
/// The registry entry: one metric per fairnessMetricRegistry() entry. Typed options:
/// FairnessAuditOptions; the request's positive label, when given, overrides theirs.
Audit fairnessAudit();

}  // namespace trustlab
