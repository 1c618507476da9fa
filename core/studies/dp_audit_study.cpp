// core/studies: DP theory vs practice. eDP-SGD trains the default dataset at ε ∈ {1, 4, 8} (PRV
// accountant, δ = 1e-5) in two settings: full batches (q = 1, the steps exactly Gaussian: where a
// white-box adversary can come closest to the bound, Nasr et al. 2021) and Poisson batches of 256
// (q ≈ 0.036, as one trains). Every run is audited by the white-box gradient canaries
// (audits/gradient_canary_audit.h) and the black-box loss attack; the report sets each audit's ε
// lower bound beside the theoretical ε and plots them against y = x. Quick: a bag-of-embeddings
// model and one seed; full: the default BiLSTM and three seeds.
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "audits/gradient_canary_audit.h"
#include "audits/membership_audit.h"
#include "interop/export_files.h"
#include "plots/tradeoff.h"
#include "spec/prepared_data.h"
#include "studies/study.h"

namespace trustlab {
namespace {

constexpr char kSpent[] = "privacy/epsilon";  // what the trainer records
constexpr char kBatchField[] = "training.batch_size";

ExperimentSpec auditBaseSpec(StudySize size) {
  ExperimentSpec s;
  s.name = "dp-audit";
  s.data.dataset = "default";
  s.model.type = bySize<std::string>(size, "bag", "bag", "bilstm");
  s.model.embeddingDim = bySize(size, 64, 64, 128);
  s.model.dropout = 0;
  s.training.optimizer = "sgd";
  s.training.evalEvery = 0;
  s.training.privacy.mode = "edp";
  s.training.privacy.delta = 1e-5;
  s.training.privacy.clipNorm = 1.0;
  s.training.privacy.accountant = "prv";
  s.audit.mia = "loss";
  return s;
}

/// One setting: its batch size, passes and learning rate, over the three ε.
SweepSpec setting(const std::string& name, const ExperimentSpec& base, long batch, int epochs, double lr, StudySize size) {
  SweepSpec s;
  s.name = name;
  s.base = base;
  s.axes = {{kBatchField, {std::to_string(batch)}, {}, false},
            {"training.epochs", {std::to_string(epochs)}, {}, false},
            {"training.lr", {nlohmann::json(lr).dump()}, {}, false},
            {kExampleEpsilonField, {"1", "4", "8"}, {}, false}};
  s.seeds = bySize<std::vector<unsigned long long>>(size, {1}, {1}, {1, 2, 3});
  s.audits = {kGradientCanaryAudit};
  return s;
}

/// The smoke design is the quick one: it already takes well under a minute.
std::vector<SweepSpec> dpAuditSweeps(StudySize size) {
  const auto base = auditBaseSpec(size);
  const long n = prepareData(base).train.size();  // a full batch is the whole training split
  return {setting("full-batch", base, n, 8, 5.0, size), setting("poisson", base, 256, 4, 0.5, size)};
}

/// "full_batch" for the cells whose batch is the whole split, else "poisson".
std::string settingOf(const SweepCell& c, long fullBatch) {
  return c.settings.count(kBatchField) && std::stol(c.settings.at(kBatchField)) == fullBatch ? "full_batch" : "poisson";
}

/// The setting as a table row names it ("full batch (q = 1)", "Poisson, B = 256") or, short, a legend.
std::string settingLabel(const SweepCell& c, long fullBatch, bool brief) {
  if (settingOf(c, fullBatch) == "full_batch") return brief ? "q = 1" : "full batch (q = 1)";
  return (brief ? "B = " : "Poisson, B = ") + c.settings.at(kBatchField);
}

void dpAuditReport(const std::vector<SweepCell>& cells, const StudyOptions& o, StudyOutcome& out) {
  const std::filesystem::path dir(o.outputDir);
  const auto whiteBox = auditMetricKey(kGradientCanaryAudit, "", "epsilon_lower_bound");
  const auto lossAttack = auditMetricKey(kMembershipAudit, "loss", "epsilon_lower_bound");
  const auto lossAuc = auditMetricKey(kMembershipAudit, "loss", "auc");
  long fullBatch = 0;  // the largest batch among the cells is the full one
  for (const auto& c : cells)
    if (c.settings.count(kBatchField)) fullBatch = std::max(fullBatch, std::stol(c.settings.at(kBatchField)));
  std::vector<std::vector<std::string>> rows{{"setting", "target ε", "theoretical ε", "white-box ε lower bound",
                                              "theory / white-box", "loss-attack ε lower bound", "loss-attack AUC",
                                              "test accuracy", "runs"}};
  nlohmann::json headline = {{"epsilon_lower_bound", nlohmann::json::object()},
                             {"theoretical_epsilon", nlohmann::json::object()},
                             {"loss_attack_epsilon_lower_bound", nlohmann::json::object()}};
  std::vector<TradeoffSeries> series;
  for (const auto& c : cells) {
    const auto s = settingOf(c, fullBatch);
    char target[16], ratio[16];
    std::snprintf(target, sizeof target, "%g", c.epsilon);
    std::snprintf(ratio, sizeof ratio, "%.2f", cellMean(c, kSpent) / cellMean(c, whiteBox));
    rows.push_back({settingLabel(c, fullBatch, false), target, cellMeanStd(c, kSpent), cellMeanStd(c, whiteBox), ratio,
                    cellMeanStd(c, lossAttack), cellMeanStd(c, lossAuc), cellMeanStd(c, "test/accuracy"), std::to_string(c.runs)});
    headline["epsilon_lower_bound"][s][target] = cellMean(c, whiteBox);
    headline["theoretical_epsilon"][s][target] = cellMean(c, kSpent);
    headline["loss_attack_epsilon_lower_bound"][s][target] = cellMean(c, lossAttack);
  }
  // The figure: the white-box bound of each setting against y = x (the loss attack's bounds are in
  // the table; a column-wide legend holds three entries).
  for (const auto& group : tradeoffGroups(cells)) {
    auto line = tradeoffSeries(cells, group, whiteBox);
    const auto first = std::find_if(cells.begin(), cells.end(), [&](const SweepCell& c) { return tradeoffGroup(c) == group; });
    line.name = settingLabel(*first, fullBatch, true);
    series.push_back(line);
  }
  writeCsvTable((dir / "epsilon.csv").string(), rows);
  out.files.push_back((dir / "epsilon.csv").string());
  auto plot = describeEmpiricalEpsilon(series);
  plot.title = "White-box ε lower bound vs theory";
  plot.widthCm = 12, plot.heightCm = 8;  // between one and two columns: three settings and y = x stay legible
  const auto figure = reportFigure(plot, "empirical-epsilon", "Empirical ε against the theoretical ε", o, out);

  std::string md = studyHeading("DP theory vs practice", "dp-audit", o.size);
  md += "eDP-SGD trained the default dataset at target ε ∈ {1, 4, 8} (PRV accountant, δ = 1e-5, C = 1) with full "
        "batches (q = 1: every step exactly Gaussian) and with Poisson batches of 256. Each run was audited by the "
        "white-box gradient canaries (Dirac canaries inserted into the steps, each a member with probability ½; the "
        "adversary sees every step and knows every other example; exact log-likelihood-ratio scores; Clopper–Pearson "
        "at 95 %) and by the black-box loss attack. A lower bound above the theoretical ε would be a privacy bug.\n\n";
  md += markdownTable(rows) + "\n";
  md += figure;
  md += "Files: `epsilon.csv` (this table), `specs/` (the exact sweep specs; `trustlab-cli sweep specs/full-batch.json` "
        "reruns one), `versions.json`. Reproduce: `" + studyCommand("dp-audit", o.size) + "`.\n";
  writeExportFile(dir / "report.md", md);
  out.headlineJson = headline.dump();
}

}  // namespace

Study dpAuditStudy() { return {dpAuditSweeps, dpAuditReport}; }

}  // namespace trustlab
