// core/experiment: fairness audits of stored runs. A classifier's test split is grouped by the
// gender its text refers to (the dataset's annotation when it has one, else the words the
// swapper knows), every text with a gendered word gets its counterfactual twin, and the group
// rates, disparities, bias AUCs and counterfactual metrics are reported with bootstrap intervals
// and recorded on the run under fairness/…. Disparities compare the gender groups; texts with
// no ("none") or both ("mixed") genders are reported but not compared. Several classes: each
// rate is one-vs-rest per class, then averaged over classes. WEAT/SEAT runs on the model's token embeddings
// (a word or sentence is the mean of its tokens' vectors, sent-bias's "bow" encoder).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "experiment/run_audit.h"
#include "fairness/counterfactual.h"
#include "fairness/eec.h"
#include "fairness/fairness_metrics.h"
#include "fairness/group_metrics.h"
#include "fairness/weat.h"

namespace trustlab {

struct FairnessAuditOptions {
  /// Binary view: this label is the positive class. Empty: every class one-vs-rest, averaged.
  std::string positiveLabel;
  int bootstrap = 200;
  uint64_t seed = 1;
  size_t keptExamples = 200;  ///< counterfactual pairs kept for display (all are scored)
  GenderSwapper swapper = GenderSwapper::builtIn();
};

struct Estimate {
  double value = 0;
  Interval ci;
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

ClassifierFairnessReport auditClassifierFairness(RunStore& store, long long runId, const AuditedRun& run,
                                                 const FairnessAuditOptions& options = {});

struct EmbeddingWeatReport {
  WeatTest test;
  WeatResult result;
  std::vector<std::string> dropped;  ///< examples with no known token
};
/// WEAT/SEAT of `test` on the run's token embeddings; recorded as fairness/weat/<test>/….
EmbeddingWeatReport auditRunWeat(RunStore& store, long long runId, const AuditedRun& run, const WeatTest& test,
                                 long samples = 100000, uint64_t seed = 1111);

/// P(label) of each text under the run's model (encoded with the run's vocabulary).
std::vector<double> classProbabilities(const AuditedRun& run, const std::vector<std::string>& texts,
                                       const std::string& label);
/// The class whose probability an EEC probe scores: `requested`, else "1" or "positive" when the
/// run has it; throws InputError naming --positive otherwise.
std::string positiveClassFor(const AuditedRun& run, const std::string& requested);
/// EEC probe: P(positive) of every corpus sentence, female − male per cell, paired t-test;
/// recorded as fairness/eec/….
EecReport auditRunEec(RunStore& store, long long runId, const AuditedRun& run, const std::string& eecPath,
                      const std::string& positiveLabel);

std::string fairnessJson(const ClassifierFairnessReport& r, int indent = -1);
/// One line: the test, its sets, d, p and how p was found (CLI and GUI).
std::string describeWeat(const EmbeddingWeatReport& r);
/// The overall female − male gap and one line per emotion (CLI and GUI).
std::string describeEec(const EecReport& r, const std::string& positive);
std::string describeFairness(const ClassifierFairnessReport& r);

}  // namespace trustlab
