// trustlab-cli predict: one utterance through a stored classifier (core/inspection): the label
// with every class's probability, optionally token saliency (gradient × input, integrated
// gradients) and the gender-swapped counterfactual with the same.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_commands.h"
#include "inspection/model_inspector.h"
#include "util/errors.h"

namespace trustlab::cli {
namespace {

using json = nlohmann::json;

json predictionJson(const Prediction& p, const std::vector<std::string>& labels) {
  json probabilities = json::object();
  for (size_t c = 0; c < labels.size(); ++c) probabilities[labels[c]] = p.probabilities[c];
  json j{{"text", p.text}, {"label", labels[size_t(p.predicted)]}, {"probabilities", probabilities}};
  if (p.tokens.empty()) return j;
  json tokens = json::array();
  for (const auto& t : p.tokens)
    tokens.push_back({{"token", t.token}, {"known", t.known}, {"offsets", {t.begin, t.end}},
                      {"gradient_x_input", t.gradientTimesInput}, {"integrated_gradients", t.integratedGradients}});
  j["saliency"] = tokens;
  j["integrated_gradients_completeness_gap"] = p.completenessGap;
  return j;
}

void printPrediction(const char* title, const Prediction& p, const std::vector<std::string>& labels) {
  std::printf("%s: %s\n  label %s (p = %.4f)\n", title, p.text.c_str(), labels[size_t(p.predicted)].c_str(),
              p.probabilities[size_t(p.predicted)]);
  std::vector<size_t> order(labels.size());
  for (size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p.probabilities[a] > p.probabilities[b]; });
  for (size_t k = 1; k < std::min<size_t>(order.size(), 5); ++k)
    std::printf("        %s (p = %.4f)\n", labels[order[k]].c_str(), p.probabilities[order[k]]);
  if (p.tokens.empty()) return;
  std::printf("  %-20s %12s %12s\n", "token", "grad×input", "integr. grad");
  for (const auto& t : p.tokens)
    std::printf("  %-20s %12.4f %12.4f%s\n", t.token.c_str(), t.gradientTimesInput, t.integratedGradients,
                t.known ? "" : "  (unknown: read as <unk>)");
  std::printf("  integrated gradients: completeness gap %.2g\n", p.completenessGap);
}

}  // namespace

int predictCommand(const std::vector<std::string>& argv) {
  const Args a(argv, {"run", "text", "store", "steps"}, {"saliency", "counterfactual", "json"},
               {"trustlab-cli predict",
                "Classifies one utterance with a stored run's model. Usage: trustlab-cli predict --run ID --text T "
                "[--saliency] [--counterfactual] [--steps N] [--json]",
                {{"run", "the stored run whose model classifies"},
                 {"text", "the utterance"},
                 {"saliency", "each token's gradient × input and integrated gradients for the predicted label"},
                 {"counterfactual", "also the gender-swapped utterance, side by side"},
                 {"steps", "integrated-gradients points (default 256)"},
                 {"store", "the run store (default: $TRUSTLAB_STORE or ~/.local/share/trustlab/runs.sqlite)"},
                 {"json", "print one JSON object"}}});
  if (!a.has("run")) throw InputError("--run", "which stored run's model? (trustlab-cli runs list)");
  if (!a.has("text")) throw InputError("--text", "the utterance to classify is missing");
  const RunStore store(storePath(a), true);
  const auto inspector = ModelInspector::forRun(store, a.getLong("run", 0));
  InspectOptions o;
  o.saliency = a.has("saliency");
  o.counterfactual = a.has("counterfactual");
  o.steps = int(a.getLong("steps", o.steps));
  const auto r = namingOptions({{"text", "text"}, {"steps", "steps"}}, [&] { return inspector.inspect(a.get("text"), o); });
  const auto& labels = inspector.labels();
  if (a.has("json")) {
    json j = predictionJson(r.original, labels);
    if (o.counterfactual) {
      json swaps = json::array();
      for (const auto& s : r.swaps) swaps.push_back({{"from", s.from}, {"to", s.to}});
      j["counterfactual"] = r.counterfactual ? predictionJson(*r.counterfactual, labels) : json(nullptr);
      j["swaps"] = swaps;
    }
    std::cout << j.dump() << std::endl;
    return 0;
  }
  printPrediction("text", r.original, labels);
  if (!o.counterfactual) return 0;
  if (!r.counterfactual) {
    std::printf("counterfactual: none (the text names no gendered word the swap table knows)\n");
    return 0;
  }
  printPrediction("counterfactual", *r.counterfactual, labels);
  return 0;
}

}  // namespace trustlab::cli
