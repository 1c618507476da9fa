#include "audits/fairness_report.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

namespace trustlab {

std::string fairnessJson(const ClassifierFairnessReport& r, int indent) {
  using nlohmann::json;
  const auto est = [](const Estimate& e) {
    const auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    return json{{"value", num(e.value)}, {"ci95", {num(e.ci.low), num(e.ci.high)}}};
  };
  json groups = json::object();
  for (const auto& g : r.groups)
    groups[g.group] = {{"n", g.n},
                       {"accuracy", est(g.accuracy)},
                       {"selection_rate", est(g.selectionRate)},
                       {"tpr", est(g.tpr)},
                       {"fpr", est(g.fpr)},
                       {"fnr", est(g.fnr)},
                       {"subgroup_auc", est(g.subgroupAuc)},
                       {"bpsn_auc", est(g.bpsnAuc)},
                       {"bnsp_auc", est(g.bnspAuc)}};
  json out = {{"positive_label", r.positiveLabel.empty() ? json("macro (one-vs-rest)") : json(r.positiveLabel)},
              {"examples", r.examples},
              {"counterfactual_pairs", r.counterfactualPairs},
              {"groups", groups}};
  for (const auto& [name, e] : r.metrics) out[name] = est(e);
  json pairs = json::array();
  for (const auto& p : r.pairs) {
    json swaps = json::array();
    for (const auto& w : p.swaps) swaps.push_back({{"from", w.from}, {"to", w.to}, {"at", w.sourceBegin}});
    pairs.push_back({{"text", p.text}, {"counterfactual", p.counterfactual}, {"group", p.group}, {"label", p.label},
                     {"predicted", p.predicted}, {"counterfactual_predicted", p.counterfactualPredicted},
                     {"score", p.score}, {"counterfactual_score", p.counterfactualScore}, {"swaps", swaps}});
  }
  out["pairs"] = pairs;
  out["protected_status_accuracy"] = std::isfinite(r.protectedStatusAccuracy) ? json(r.protectedStatusAccuracy) : json(nullptr);
  return out.dump(indent);
}

std::string describeFairness(const ClassifierFairnessReport& r) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(3);
  const auto show = [&](const Estimate& e) -> std::ostringstream& {
    // Small magnitudes (aps is a gradient product) in scientific notation, the rest fixed.
    const bool small = e.value != 0 && std::abs(e.value) < 0.01;
    s << (small ? std::scientific : std::fixed) << e.value << " [" << e.ci.low << ", " << e.ci.high << "]"
      << std::fixed;
    return s;
  };
  s << "fairness on " << r.examples << " test examples ("
    << (r.positiveLabel.empty() ? "rates one-vs-rest, averaged over classes" : "positive class " + r.positiveLabel)
    << "; 95 % bootstrap intervals)\n";
  for (const auto& g : r.groups) {
    s << "  " << g.group << " (n = " << g.n << "): accuracy ";
    show(g.accuracy);
    if (!r.positiveLabel.empty()) {  // averaged over classes a selection rate is always 1/C
      s << ", selection ";
      show(g.selectionRate);
    }
    s << ", FPR ";
    show(g.fpr) << ", FNR ";
    show(g.fnr) << ", BPSN AUC ";
    show(g.bpsnAuc) << "\n";
  }
  for (const auto& [name, e] : r.metrics) {
    s << "  " << name << " ";
    show(e) << "\n";
  }
  s << "  " << r.counterfactualPairs << " counterfactual pairs (gender-swapped texts); ";
  if (std::isfinite(r.protectedStatusAccuracy))
    s << "the protected-status model behind aps predicts gender with accuracy " << r.protectedStatusAccuracy
      << " on the test texts\n";
  else
    s << "aps left out: the training texts do not name both genders\n";
  return s.str();
}

}  // namespace trustlab
