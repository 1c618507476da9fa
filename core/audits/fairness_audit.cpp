#include "audits/fairness_audit.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "audits/fairness_report.h"
#include "fairness/prediction_sensitivity.h"
#include "training/metrics.h"
#include "util/errors.h"
#include "util/numbers.h"
#include "util/runtime.h"

namespace trustlab {
namespace {

struct GroupStats {
  GroupRates rates;
  BiasAucs aucs;
};

/// The groups of a resample's rows, and each group's membership mask (the same for every class).
struct RowGroups {
  std::vector<std::string> group;
  std::map<std::string, std::vector<bool>> in;
};

/// Binary rates and AUCs of class `c` (one-vs-rest) over `rows`, by group.
std::map<std::string, GroupStats> classStats(const FairnessScores& s, const std::vector<long>& rows, long c,
                                             const RowGroups& g) {
  std::vector<int> y, yhat;
  std::vector<double> score;
  const auto p = s.probabilities.accessor<double, 2>();
  for (long r : rows) {
    y.push_back(s.label[size_t(r)] == c);
    yhat.push_back(s.predicted[size_t(r)] == c);
    score.push_back(p[r][c]);
  }
  std::map<std::string, GroupStats> out;
  for (const auto& [name, rates] : ratesByGroup(y, yhat, g.group)) out[name].rates = rates;
  for (const auto& [name, in] : g.in) out[name].aucs = biasAucs(score, y, in);
  return out;
}

/// Per group (accuracy, selection, TPR, FPR, FNR, sub/BPSN/BNSP AUC) then each of `metrics`, on
/// the resampled `rows`. Several classes: group rates and AUCs averaged one-vs-rest over classes.
std::vector<double> metricsOn(const FairnessScores& s, const std::vector<long>& rows, const std::vector<long>& classes,
                              const std::vector<std::string>& groups, const std::vector<const FairnessMetric*>& metrics) {
  std::map<std::string, std::vector<std::vector<double>>> perGroup;  // group → field → per-class values
  FairnessSample sample{s, rows, classes, {}, {}, {}};
  RowGroups rowGroups;
  for (long r : rows) rowGroups.group.push_back(s.group[size_t(r)]);
  for (const auto& name : groups)
    for (const auto& x : rowGroups.group) rowGroups.in[name].push_back(x == name);
  for (long c : classes) {
    const auto stats = classStats(s, rows, c, rowGroups);
    auto& rates = sample.classRates.emplace_back();
    auto& aucs = sample.classAucs.emplace_back();
    for (const auto& g : groups) {
      const auto it = stats.find(g);
      const GroupStats gs = it == stats.end() ? GroupStats{{0, kNaN, kNaN, kNaN, kNaN, kNaN}, {kNaN, kNaN, kNaN}} : it->second;
      auto& f = perGroup[g];
      f.resize(8);
      f[1].push_back(gs.rates.selectionRate);
      f[2].push_back(gs.rates.tpr);
      f[3].push_back(gs.rates.fpr);
      f[4].push_back(gs.rates.fnr);
      f[5].push_back(gs.aucs.subgroup);
      f[6].push_back(gs.aucs.bpsn);
      f[7].push_back(gs.aucs.bnsp);
      if (!isComparedGroup(g)) continue;
      if (gs.rates.n > 0) rates[g] = gs.rates;
      aucs.push_back(gs.aucs);
    }
  }
  // Multiclass accuracy per group (once: accuracy_difference reads it from the sample).
  std::map<std::string, std::pair<double, double>> correct;
  for (long r : rows) {
    auto& c = correct[s.group[size_t(r)]];
    c.first += s.label[size_t(r)] == s.predicted[size_t(r)];
    c.second += 1;
  }
  for (const auto& [group, c] : correct) sample.groupAccuracy[group] = c.first / c.second;
  std::vector<double> out;
  for (const auto& g : groups) {
    const auto it = sample.groupAccuracy.find(g);
    out.push_back(it == sample.groupAccuracy.end() ? kNaN : it->second);
    for (size_t f = 1; f < 8; ++f) out.push_back(meanIgnoringNaN(perGroup[g][f]));
  }
  for (const auto* m : metrics) out.push_back(m->value(sample));
  return out;
}

/// The gender a text refers to: the dataset's annotation, else the words the swapper knows.
std::string exampleGroup(const Example& e, const GenderSwapper& swapper) {
  return e.gender.empty() ? swapper.groupOf(e.text) : e.gender;
}

}  // namespace

ClassifierFairnessReport auditClassifierFairness(const AuditedRun& run, const FairnessAuditOptions& o) {
  const auto& test = run.data.dataset.test;
  if (test.empty()) throw InputError("fairness", "the run's dataset has no test split");
  const torch::Device device = parseDevice(run.spec.training.device);
  FairnessScores s;
  s.probabilities = predictProbabilities(*run.model, run.data.test, 256, device);
  const auto argmax = s.probabilities.argmax(1);
  const auto labels = run.data.test.labels.to(torch::kCPU);
  std::vector<Example> twins;
  std::vector<long> twinOf;
  std::vector<Counterfactual> counterfactuals;
  for (size_t i = 0; i < test.size(); ++i) {
    s.label.push_back(labels[long(i)].item<long>());
    s.predicted.push_back(argmax[long(i)].item<long>());
    s.group.push_back(exampleGroup(test[i], o.swapper));
    auto cf = o.swapper.swap(test[i].text);
    if (cf.swaps.empty()) continue;
    Example twin = test[i];
    twin.text = cf.text;
    twins.push_back(std::move(twin));
    twinOf.push_back(long(i));
    counterfactuals.push_back(std::move(cf));
  }
  s.cfPredicted.resize(test.size());
  s.cfScore.resize(test.size());
  const auto& labelNames = run.data.dataset.labels();
  ClassifierFairnessReport r;
  r.examples = long(test.size());
  r.counterfactualPairs = long(twins.size());
  if (!twins.empty()) {
    const auto encoded = encodeSplit(twins, run.data.vocabulary, run.data.labelIndex, tokenizerFor(run.spec));
    const auto q = predictProbabilities(*run.model, encoded, 256, device);
    const auto qArgmax = q.argmax(1);
    for (size_t k = 0; k < twins.size(); ++k) {
      const long i = twinOf[k];
      const long predicted = s.predicted[size_t(i)], twinPredicted = qArgmax[long(k)].item<long>();
      s.cfPredicted[size_t(i)].push_back(twinPredicted);
      s.cfScore[size_t(i)].push_back(q[long(k)][predicted].item<double>());
      if (r.pairs.size() < o.keptExamples)
        r.pairs.push_back({test[size_t(i)].text, counterfactuals[k].text, test[size_t(i)].label,
                           labelNames[size_t(predicted)], labelNames[size_t(twinPredicted)], s.group[size_t(i)],
                           counterfactuals[k].swaps, s.probabilities[i][predicted].item<double>(),
                           q[long(k)][predicted].item<double>()});
    }
  }
  // Accumulated prediction sensitivity: g learns gender from the training texts' token vectors.
  // Without training texts of both genders there is no protected-status model: aps is left out.
  const auto genderLabels = [&](const std::vector<Example>& examples) {
    std::vector<int> out;
    for (const auto& e : examples) {
      const auto g = exampleGroup(e, o.swapper);
      out.push_back(g == "female" ? 1 : g == "male" ? 0 : -1);
    }
    return out;
  };
  r.protectedStatusAccuracy = kNaN;
  const auto trainGender = genderLabels(run.data.dataset.train);
  if (std::count(trainGender.begin(), trainGender.end(), 0) && std::count(trainGender.begin(), trainGender.end(), 1)) {
    const auto protectedStatus = trainProtectedStatus(*run.model, run.data.train, trainGender, device);
    s.sensitivity = predictionSensitivity(*run.model, protectedStatus, run.data.test, device);
    r.protectedStatusAccuracy = protectedStatusAccuracy(*run.model, protectedStatus, run.data.test, genderLabels(test), device);
  }
  // Groups: the genders present (female and male first), "mixed"/"none" after them.
  std::vector<std::string> groups;
  for (const char* g : {"female", "male", "mixed", "none"})
    if (std::count(s.group.begin(), s.group.end(), std::string(g))) groups.push_back(g);
  for (const auto& g : s.group)
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  std::vector<long> classes;
  if (o.positiveLabel.empty()) {
    for (size_t c = 0; c < labelNames.size(); ++c) classes.push_back(long(c));
  } else {
    r.positiveLabel = positiveClassFor(run, o.positiveLabel);
    classes.push_back(run.data.labelIndex.at(r.positiveLabel));
  }
  std::vector<long> all(test.size());
  std::iota(all.begin(), all.end(), 0L);
  const auto metricNames = fairnessMetricRegistry().names();
  std::vector<const FairnessMetric*> metrics;
  for (const auto& name : metricNames) metrics.push_back(&fairnessMetricRegistry().at(name));
  const auto statistics = [&](const std::vector<long>& rows) { return metricsOn(s, rows, classes, groups, metrics); };
  const auto point = statistics(all);
  const auto ci = bootstrapIntervals(long(test.size()), statistics, o.bootstrap, o.seed);
  const auto estimate = [&](size_t k) { return Estimate{point[k], ci.empty() ? Interval{kNaN, kNaN} : ci[k]}; };
  size_t k = 0;
  for (const auto& g : groups) {
    GroupFairness gf;
    gf.group = g;
    gf.n = long(std::count(s.group.begin(), s.group.end(), g));
    for (Estimate* e : {&gf.accuracy, &gf.selectionRate, &gf.tpr, &gf.fpr, &gf.fnr, &gf.subgroupAuc, &gf.bpsnAuc,
                        &gf.bnspAuc})
      *e = estimate(k++);
    r.groups.push_back(gf);
  }
  for (const auto& name : metricNames) r.metrics[name] = estimate(k++);
  return r;
}

Audit fairnessAudit() {
  Audit a;
  a.family = AuditFamily::Fairness;
  a.prefix = "fairness/";
  a.metrics = [] {
    std::vector<AuditMetricKey> keys;
    for (const auto& m : fairnessMetricRegistry().items()) keys.push_back({m.name, m.description, "", true});
    return keys;
  };
  a.run = [](const AuditedRun& run, const AuditRequest& request) {
    auto o = optionsOr(request, FairnessAuditOptions{});
    if (!request.positiveLabel.empty()) o.positiveLabel = request.positiveLabel;
    const auto r = auditClassifierFairness(run, o);
    AuditOutcome out;
    for (const auto& [name, e] : r.metrics) out.metrics.push_back({name, e.value});
    out.summary = describeFairness(r);
    out.json = fairnessJson(r);
    out.report = r;
    return out;
  };
  return a;
}

}  // namespace trustlab
