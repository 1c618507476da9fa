// core/studies: federated learning in the real world (Dupuy et al., ICASSP 2022) at our scale. A
// GPT-2-shaped word language model learns next-word prediction (training/next_word_objective.h)
// from the default dataset's natural users with FedAvg, evaluated every few rounds on held-out
// users (data.split_by_user: valid and test users never train). The grid crosses device selection
// — uniform vs by activity (p ∝ n_k) — with static vs continual data (four periods; each client
// keeps only its latest part, the older data deleted); centralised training on the same training
// texts (one client holding all of them, the same local SGD, one epoch a round) is the reference
// line. Reported: held-out perplexity per round, final test perplexity and top-1/top-3 next-word
// accuracy; headline: activity − uniform final test perplexity in each setting (negative: activity
// selection predicts better).
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "fairness/fairness_metrics.h"
#include "interop/export_files.h"
#include "plots/series_export.h"
#include "studies/study.h"
#include "training/next_word_objective.h"

namespace trustlab {
namespace {

constexpr char kSelectionField[] = "federated.selection";
constexpr char kPeriodsField[] = "federated.periods";
constexpr int kContinualPeriods = 4;
constexpr char kPerplexity[] = "test/perplexity";
constexpr char kTop1[] = "test/accuracy";
const std::string kTopK = "test/" + kTopSuggestionsAccuracy;
constexpr char kValidPerplexity[] = "valid/perplexity";
constexpr char kRoundExamples[] = "fl/examples";

/// The word LM, the data with held-out users, and FedAvg's local SGD shared by every run.
ExperimentSpec selectionBaseSpec(StudySize size) {
  ExperimentSpec s;
  s.name = "fl-selection";
  s.data.dataset = "default";
  s.data.splitByUser = true;
  s.data.tokenizer.maxLength = 32;
  s.training.objective = "next_word";
  s.model.type = "transformer";
  // The default dataset's texts are short templated commands: a width-64, one-layer LM already
  // reaches a perplexity near 3, so the full design spends its time on rounds and seeds instead.
  s.model.embeddingDim = 64;
  s.model.layers = 1;
  s.model.heads = 4;
  s.model.ffnDim = 2 * s.model.embeddingDim;
  s.model.dropout = 0.1;
  s.audit.mia = "none";
  auto& f = s.federated;
  f.enabled = true;
  f.partition = "natural";
  f.clientsPerRound = 20;
  f.localEpochs = 1;
  f.localBatchSize = 8;
  f.localLr = 0.5;
  f.rounds = bySize(size, 10, 60, 200);
  f.evalEvery = bySize(size, 5, 5, 10);
  return s;
}

std::vector<SweepSpec> flSelectionSweeps(StudySize size) {
  const auto seeds = bySize<std::vector<unsigned long long>>(size, {1}, {1}, {1, 2, 3});
  SweepSpec federated;
  federated.name = "fl-selection";
  federated.base = selectionBaseSpec(size);
  federated.axes = {{kSelectionField, {"uniform", "activity"}, {}, false},
                    {kPeriodsField, {"1", std::to_string(kContinualPeriods)}, {}, false}};
  federated.seeds = seeds;
  // Centralised: one client holding every training text, invited every round for one epoch.
  SweepSpec centralised;
  centralised.name = "fl-selection-centralised";
  centralised.base = selectionBaseSpec(size);
  auto& f = centralised.base.federated;
  f.partition = "iid";
  f.clientsPerRound = 1;
  f.rounds = bySize(size, 2, 6, 20);
  f.evalEvery = 1;
  centralised.axes = {{"federated.clients", {"1"}, {}, false}};
  centralised.seeds = seeds;
  return {federated, centralised};
}

/// "uniform_static", …, or "centralised" for the reference.
std::string conditionOf(const SweepCell& c) {
  if (!c.settings.count(kSelectionField)) return "centralised";
  const bool continual = c.settings.count(kPeriodsField) && c.settings.at(kPeriodsField) != "1";
  return c.settings.at(kSelectionField) + (continual ? "_continual" : "_static");
}

std::string conditionLabel(const std::string& condition) {
  if (condition == "centralised") return "centralised";
  const auto cut = condition.find('_');
  return condition.substr(0, cut) + " (" + condition.substr(cut + 1) + ")";  // "activity (continual)"
}

using History = std::pair<std::vector<double>, std::vector<double>>;  // steps, values

/// The mean over the cell's runs of metric `key` at each step all of them logged.
History meanHistory(const RunStore& store, const SweepCell& c, const std::string& key) {
  std::map<long, std::pair<double, int>> byStep;
  for (const auto id : c.runIds)
    for (const auto& p : store.metricHistory(id, key)) {
      auto& [sum, n] = byStep[p.step];
      sum += p.value;
      ++n;
    }
  std::vector<double> x, y;
  for (const auto& [step, sumCount] : byStep)
    if (sumCount.second == int(c.runIds.size())) {
      x.push_back(double(step));
      y.push_back(sumCount.first / sumCount.second);
    }
  return {x, y};
}

/// A perplexity history against the texts trained on so far (the cumulative sum of each round's
/// fl/examples): the conditions at equal training work, which selection by activity spends far
/// faster than uniform selection.
History byTextsTrained(History perplexity, const History& examples) {
  std::map<long, double> trainedBy;
  double total = 0;
  for (size_t i = 0; i < examples.first.size(); ++i) trainedBy[long(examples.first[i])] = total += examples.second[i];
  for (auto& step : perplexity.first) step = trainedBy.count(long(step)) ? trainedBy.at(long(step)) : std::nan("");
  return perplexity;
}

void flSelectionReport(const std::vector<SweepCell>& cells, const StudyOptions& o, StudyOutcome& out) {
  const std::filesystem::path dir(o.outputDir);
  static const std::map<std::string, std::string> colors = {{"uniform_static", "#1f77b4"},
                                                            {"activity_static", "#d62728"},
                                                            {"uniform_continual", "#1f77b4"},
                                                            {"activity_continual", "#d62728"},
                                                            {"centralised", "#444444"}};
  std::vector<std::vector<std::string>> rows{{"condition", "test perplexity", "top-1 accuracy",
                                              "top-" + std::to_string(kNextWordSuggestions) + " accuracy",
                                              "texts trained per round", "runs"}};
  nlohmann::json perplexity = nlohmann::json::object(), top1 = nlohmann::json::object(), topK = nlohmann::json::object();
  PlotDescription plot;
  plot.title = "Held-out perplexity per round";
  plot.xLabel = "round";
  plot.yLabel = "held-out perplexity";
  plot.logY = true;
  plot.widthCm = 12, plot.heightCm = 8;
  PlotDescription byTexts = plot;
  byTexts.title = "Held-out perplexity by texts trained";
  byTexts.xLabel = "texts trained on (all clients, cumulative)";
  byTexts.logX = true;
  double lastRound = 0;
  std::vector<double> centralFinal;  // by round, centralised training is drawn as its final level
  for (const auto& c : cells) {
    const auto condition = conditionOf(c);
    const auto examples = meanHistory(*o.store, c, kRoundExamples);
    const auto valid = meanHistory(*o.store, c, kValidPerplexity);
    rows.push_back({conditionLabel(condition), cellMeanStd(c, kPerplexity, "%.2f"), cellMeanStd(c, kTop1),
                    cellMeanStd(c, kTopK), reportNumber(meanIgnoringNaN(examples.second), "%.0f"),
                    std::to_string(c.runs)});
    perplexity[condition] = cellMean(c, kPerplexity);
    top1[condition] = cellMean(c, kTop1);
    topK[condition] = cellMean(c, kTopK);
    const bool continual = condition.find("continual") != std::string::npos;
    const auto [tx, ty] = byTextsTrained(valid, examples);
    byTexts.series.push_back({conditionLabel(condition), tx, ty, colors.at(condition), continual});
    if (condition == "centralised") {
      if (!valid.second.empty()) centralFinal.push_back(valid.second.back());
      continue;
    }
    if (!valid.first.empty()) lastRound = std::max(lastRound, valid.first.back());
    plot.series.push_back({conditionLabel(condition), valid.first, valid.second, colors.at(condition), continual});
  }
  for (const double level : centralFinal)
    plot.series.push_back({"centralised (final)", {1, lastRound}, {level, level}, colors.at("centralised"), true});
  const auto difference = [&](const char* setting) {
    const auto a = "activity_" + std::string(setting), u = "uniform_" + std::string(setting);
    return perplexity.contains(a) && perplexity.contains(u) ? perplexity[a].get<double>() - perplexity[u].get<double>()
                                                            : std::nan("");
  };
  const nlohmann::json headline = {{"metric", "test perplexity (activity − uniform; negative: activity better)"},
                                   {"activity_minus_uniform_static", difference("static")},
                                   {"activity_minus_uniform_continual", difference("continual")},
                                   {"perplexity", perplexity},
                                   {"top1_accuracy", top1},
                                   {kTopSuggestionsAccuracy, topK}};
  writeCsvTable((dir / "conditions.csv").string(), rows);
  out.files.push_back((dir / "conditions.csv").string());
  const auto figure = reportFigure(plot, "perplexity-per-round",
                                   "Held-out perplexity per round (dashed: continual; grey: centralised)", o, out);
  const auto figureByTexts = reportFigure(byTexts, "perplexity-by-texts",
                                          "Held-out perplexity by texts trained on (equal training work)", o, out);

  const auto base = selectionBaseSpec(o.size);
  std::string md = studyHeading("federated learning in the real world", "fl-selection", o.size);
  md += "After Dupuy et al. (ICASSP 2022). A GPT-2-shaped word language model (width " +
        std::to_string(base.model.embeddingDim) + ", " + std::to_string(base.model.layers) +
        " layer(s)) learns next-word prediction from the default dataset's natural users with FedAvg (" +
        std::to_string(base.federated.clientsPerRound) + " clients a round, one local epoch of SGD, batch " +
        std::to_string(base.federated.localBatchSize) + ", learning rate " + reportNumber(base.federated.localLr, "%g") +
        ", " + std::to_string(base.federated.rounds) + " rounds). Valid and test hold 10 % of the users each, none of "
        "whose texts is trained on. Device selection is uniform or by activity (p ∝ the client's texts, without "
        "replacement); the data are static, or continual: each client's texts arrive in " +
        std::to_string(kContinualPeriods) + " periods over the rounds and only the latest is kept. Centralised "
        "training (one client holding all training texts, the same SGD, one epoch a round) is the reference. "
        "Perplexity is exp of the mean next-token loss over every predicted token; top-k accuracy counts the "
        "next token among the model's k most likely.\n\n";
  md += markdownTable(rows) + "\n";
  md += "Activity − uniform test perplexity: static " + reportNumber(difference("static")) + ", continual " +
        reportNumber(difference("continual")) + " (negative: selection by activity predicts better).\n\n";
  md += figure;
  md += "Selection by activity invites the heaviest users, so each of its rounds trains on far more texts (the "
        "table's fifth column); by texts trained on, the conditions compare at equal training work:\n\n";
  md += figureByTexts;
  md += "Files: `conditions.csv` (this table), `specs/` (the exact sweep specs; `trustlab-cli sweep "
        "specs/fl-selection.json` reruns the grid), `versions.json`. Reproduce: `" + studyCommand("fl-selection", o.size) + "`.\n";
  writeExportFile(dir / "report.md", md);
  out.headlineJson = headline.dump();
}

}  // namespace

Study flSelectionStudy() { return {flSelectionSweeps, flSelectionReport}; }

}  // namespace trustlab
