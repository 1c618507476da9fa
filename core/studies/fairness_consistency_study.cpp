// core/studies: intrinsic vs extrinsic fairness (Cao et al., ACL 2022). Sentiment classifiers
// trained on SST-2 vary in model, counterfactual data augmentation and seed (in full, also ε = 8);
// every run gets every intrinsic test (WEAT/SEAT on its token embeddings, CEAT on its contextual
// states) and every extrinsic probe (the fairness audit's group gaps, counterfactual flip rate and
// token-fairness gap, bias AUCs and accumulated prediction sensitivity; the EEC gap), and the
// report correlates them over runs (Spearman and Pearson, BCa intervals). Next to the standard
// tests (sent-bias WEAT 6–8 and their SEAT forms; CEAT's occupations in the built-in corpus) sits
// an *aligned* test built from the words the extrinsic probes use: the counterfactual swapper's
// male and female words as targets, the words that most separate positive from negative training
// reviews as attributes, with contexts from the training reviews themselves.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <array>

#include "audits/ceat_audit.h"
#include "audits/eec_audit.h"
#include "audits/fairness_audit.h"
#include "audits/weat_audit.h"
#include "data/dataset_registry.h"
#include "fairness/counterfactual.h"
#include "fairness/fairness_metrics.h"
#include "fairness/metric_correlation.h"
#include "interop/export_files.h"
#include "studies/run_table.h"
#include "studies/study.h"
#include "util/text.h"

namespace trustlab {
namespace {

constexpr char kDataset[] = "sst2";
constexpr char kAlignedScope[] = "aligned";
/// The standard sent-bias tests about gender (career/family, maths/arts, science/arts), as words
/// (WEAT) and in sentence templates (SEAT).
const std::vector<std::string> kStandardTests = {"weat6", "weat7", "weat8", "sent-weat6", "sent-weat7", "sent-weat8"};
/// The extrinsic metrics tabulated (all are correlated; these are the ones a reader compares).
const std::vector<std::string> kTabulated = {"flip_rate", "ctf_gap", "dp_difference", "eo_difference", "aps", "gm_bpsn_auc"};

ExperimentSpec consistencyBaseSpec(StudySize size) {
  ExperimentSpec s;
  s.name = "fairness-consistency";
  s.data.dataset = kDataset;
  s.data.tokenizer.maxLength = 40;
  s.data.tokenizer.minFrequency = 2;
  s.model.embeddingDim = 64;
  s.model.hiddenSize = 64;
  s.training.epochs = bySize(size, 1, 1, 3);
  s.training.maxSteps = bySize(size, 60, 0, 0);
  s.training.evalEvery = 0;
  s.training.lr = 2e-3;
  s.audit.mia = "none";
  return s;
}

/// Model × CDA off/on, non-private; the full design adds the models trained with eDP-SGD at ε = 8
/// (without CDA, which DP refuses: a swapped copy would be a second example to the accountant).
std::vector<SweepSpec> consistencySweeps(StudySize size) {
  const auto models = bySize<std::vector<std::string>>(size, {"bag", "bilstm"}, {"bag", "bilstm"}, {"bag", "bilstm", "transformer"});
  SweepSpec s;
  s.name = "fairness-consistency";
  s.base = consistencyBaseSpec(size);
  s.axes = {{"model.type", models, {}, false}, {"data.cda", {"false", "true"}, {}, false}};
  s.seeds = bySize<std::vector<unsigned long long>>(size, {1}, {1, 2}, {1, 2, 3});
  s.audits = {kFairnessAudit};
  if (size != StudySize::full) return {s};
  SweepSpec dp = s;
  dp.name = "fairness-consistency-dp";
  dp.axes = {{"model.type", models, {}, false}, {kExampleEpsilonField, {"8"}, {}, false}};
  return {s, dp};
}

/// The aligned test: targets are the swapper's gendered words that occur in the training reviews
/// at least 5 times and whose partner does too, male and female; attributes are the 25 words with the
/// largest positive and negative smoothed log-odds of the positive class (add-one, words seen at
/// least 20 times, gendered words excluded).
WeatTest alignedTest(const Dataset& data) {
  std::map<std::string, std::array<double, 2>> counts;  // word → count in negative, positive reviews
  for (const auto& e : data.train) {
    std::set<std::string> seen;
    for (const auto& w : tokenize(e.text, true)) seen.insert(w);
    for (const auto& w : seen) counts[w][e.label == "1" ? 1 : 0] += 1;
  }
  double total[2] = {0, 0};
  for (const auto& [w, c] : counts) total[0] += c[0], total[1] += c[1];
  const auto swapper = GenderSwapper::builtIn();
  WeatTest t;
  t.name = kAlignedScope;
  t.targ1.category = "MaleTerms";
  t.targ2.category = "FemaleTerms";
  std::vector<std::pair<double, std::string>> odds;
  for (const auto& [w, c] : counts) {
    if (const auto partner = swapper.partner(w); !partner.empty()) {
      const auto it = counts.find(partner);
      if (c[0] + c[1] >= 5 && it != counts.end() && it->second[0] + it->second[1] >= 5)
        (swapper.groupOf(w) == "male" ? t.targ1 : t.targ2).examples.push_back(w);
      continue;
    }
    if (c[0] + c[1] < 20 || w.size() < 3) continue;
    odds.push_back({std::log((c[1] + 1) / (total[1] + 1)) - std::log((c[0] + 1) / (total[0] + 1)), w});
  }
  std::sort(odds.begin(), odds.end());
  t.attr1.category = "PositiveWords";
  t.attr2.category = "NegativeWords";
  for (size_t i = 0; i < 25 && i < odds.size() / 2; ++i) {
    t.attr1.examples.push_back(odds[odds.size() - 1 - i].second);
    t.attr2.examples.push_back(odds[i].second);
  }
  return t;
}

void writeTest(const WeatTest& t, const std::filesystem::path& path) {
  const auto set = [](const WeatSet& s) { return nlohmann::json{{"category", s.category}, {"examples", s.examples}}; };
  writeExportFile(path, nlohmann::json{{"targ1", set(t.targ1)}, {"targ2", set(t.targ2)}, {"attr1", set(t.attr1)},
                                       {"attr2", set(t.attr2)}}
                            .dump(2));
}

/// The training reviews that mention a gendered word of the test (CEAT's aligned contexts).
void writeAlignedCorpus(const Dataset& data, const WeatTest& t, const std::filesystem::path& path) {
  std::set<std::string> gendered(t.targ1.examples.begin(), t.targ1.examples.end());
  gendered.insert(t.targ2.examples.begin(), t.targ2.examples.end());
  std::string text;
  for (const auto& e : data.train)
    for (const auto& w : tokenize(e.text, true))
      if (gendered.count(w)) {
        text += e.text + "\n";
        break;
      }
  writeExportFile(path, text);
}

/// One intrinsic test to run on every run: the audit, its argument, settings, and the metric key.
struct IntrinsicTest {
  std::string audit, argument, scope, kind;  ///< kind: "standard" or "aligned"
  std::map<std::string, std::string> settings;
  std::string key() const { return auditMetricKey(audit, scope, "effect_size"); }
};

std::vector<IntrinsicTest> intrinsicTests(const std::filesystem::path& dir, StudySize size) {
  std::vector<IntrinsicTest> tests;
  const std::string samples = bySize<std::string>(size, "50", "200", "1000");
  tests.push_back({kWeatAudit, (dir / "aligned.jsonl").string(), kAlignedScope, "aligned", {}});
  tests.push_back({kCeatAudit, (dir / "aligned.jsonl").string(), kAlignedScope, "aligned",
                   {{"corpus", (dir / "aligned-corpus.txt").string()}, {"samples", samples}}});
  tests.push_back({kCeatAudit, kBuiltInOccupationTest, kBuiltInOccupationTest, "standard", {{"samples", samples}}});
  const auto root = dataRoot();
  for (const auto& name : kStandardTests)
    if (!root.empty() && std::filesystem::exists(root + "/weat_seat/" + name + ".jsonl"))
      tests.push_back({kWeatAudit, root + "/weat_seat/" + name + ".jsonl", name, "standard", {}});
  return tests;
}

/// Runs every intrinsic test and the EEC probe a run lacks (resumable); a test the run's vocabulary
/// cannot take (a whole set unknown) is listed in `skipped`, not fatal.
void auditRuns(const std::vector<long long>& runs, const std::vector<IntrinsicTest>& tests, const StudyOptions& o,
               std::vector<std::string>& skipped) {
  const bool eec = !dataRoot().empty();
  const auto eecKey = auditMetricKey(kEecAudit, "", "mean_difference");
  for (size_t i = 0; i < runs.size(); ++i) {
    if (o.stop && o.stop->load()) return;
    const auto record = o.store->run(runs[i]);
    std::vector<const IntrinsicTest*> todo;
    for (const auto& t : tests)
      if (!record->latestMetrics.count(t.key())) todo.push_back(&t);
    const bool needEec = eec && !record->latestMetrics.count(eecKey);
    if (todo.empty() && !needEec) continue;
    if (o.progress) o.progress("auditing run " + std::to_string(runs[i]) + " (" + std::to_string(i + 1) + "/" + std::to_string(runs.size()) + ")");
    const auto run = loadRunForAudit(*o.store, runs[i]);
    for (const auto* t : todo) {
      AuditRequest r;
      r.argument = t->argument;
      r.settings = t->settings;
      try {
        runAudit(*o.store, runs[i], run, t->audit, r);
      } catch (const InputError& e) {
        skipped.push_back("run " + std::to_string(runs[i]) + ", " + t->audit + " " + t->scope + ": " + e.what());
      }
    }
    if (needEec) runAudit(*o.store, runs[i], run, kEecAudit, {});
  }
}

std::string withInterval(const Estimate& e) {
  return std::isfinite(e.value) ? reportNumber(e.value) + " [" + reportNumber(e.ci.low) + ", " + reportNumber(e.ci.high) + "]" : "—";
}

/// Bias magnitudes, one per run: |effect size| of intrinsic tests, |gap| of EEC, the fairness
/// audit's metrics as recorded (differences ≥ 0; ratios and AUCs, where higher is fairer).
std::vector<double> column(const std::vector<RunRecord>& runs, const std::string& key, bool absolute) {
  std::vector<double> v;
  for (const auto& r : runs) v.push_back(absolute ? std::abs(r.metric(key)) : r.metric(key));
  return v;
}

void consistencyReport(const std::vector<SweepCell>& cells, const StudyOptions& o, StudyOutcome& out) {
  const std::filesystem::path dir(o.outputDir);
  const auto data = loadDataset(DatasetRequest{kDataset});
  const auto aligned = alignedTest(data);
  writeTest(aligned, dir / "aligned.jsonl");
  writeAlignedCorpus(data, aligned, dir / "aligned-corpus.txt");
  out.files.push_back((dir / "aligned.jsonl").string());
  std::vector<long long> ids;
  for (const auto& c : cells) ids.insert(ids.end(), c.runIds.begin(), c.runIds.end());
  const auto tests = intrinsicTests(dir, o.size);
  std::vector<std::string> skipped;
  auditRuns(ids, tests, o, skipped);
  if (o.stop && o.stop->load()) {
    out.cancelled = true;
    return;
  }
  std::vector<RunRecord> runs;
  std::vector<ExperimentSpec> specs;
  for (const auto id : ids) {
    runs.push_back(*o.store->run(id));
    specs.push_back(ExperimentSpec::fromJson(runs.back().specJson));
  }

  // Columns: intrinsic first, then extrinsic.
  std::vector<MetricColumn> columns;
  std::vector<std::string> kinds;
  for (const auto& t : tests) columns.push_back({t.key(), column(runs, t.key(), true)}), kinds.push_back(t.kind);
  const size_t intrinsic = columns.size();
  for (const auto& m : fairnessMetricRegistry().names()) {
    const auto key = auditMetricKey(kFairnessAudit, "", m);
    columns.push_back({key, column(runs, key, false)});
  }
  const auto eecKey = auditMetricKey(kEecAudit, "", "mean_difference");
  columns.push_back({eecKey, column(runs, eecKey, true)});
  const auto matrix = correlateMetrics(columns, bySize(o.size, 200, 1000, 2000));

  // All pairs (CSV), the intrinsic × tabulated extrinsic Spearman table, standard vs aligned.
  std::vector<std::vector<std::string>> pairs{{"metric_a", "metric_b", "runs", "pearson", "pearson_low", "pearson_high",
                                               "spearman", "spearman_low", "spearman_high"}};
  for (size_t i = 0; i < columns.size(); ++i)
    for (size_t j = i + 1; j < columns.size(); ++j) {
      const auto& c = matrix.cells[i][j];
      pairs.push_back({columns[i].key, columns[j].key, std::to_string(c.runs), reportNumber(c.pearson.value, "%.4f"),
                       reportNumber(c.pearson.ci.low, "%.4f"), reportNumber(c.pearson.ci.high, "%.4f"), reportNumber(c.spearman.value, "%.4f"),
                       reportNumber(c.spearman.ci.low, "%.4f"), reportNumber(c.spearman.ci.high, "%.4f")});
    }
  writeCsvTable((dir / "correlations.csv").string(), pairs);
  out.files.push_back((dir / "correlations.csv").string());

  std::vector<std::string> tabulated;
  for (const auto& m : kTabulated) tabulated.push_back(auditMetricKey(kFairnessAudit, "", m));
  tabulated.push_back(eecKey);
  const auto indexOf = [&](const std::string& key) {
    return size_t(std::find(matrix.keys.begin(), matrix.keys.end(), key) - matrix.keys.begin());
  };
  std::vector<std::vector<std::string>> table{{"intrinsic test", "kind"}};  // the tabulated extrinsic metrics, "fairness/" dropped
  for (const auto& key : tabulated) table[0].push_back(key.substr(key.find('/') + 1));
  nlohmann::json spearmanJson = nlohmann::json::object(), pearsonJson = nlohmann::json::object();
  std::map<std::string, std::pair<double, int>> meanAbs;  // kind → (Σ|ρ|, count) over every extrinsic metric
  for (size_t i = 0; i < intrinsic; ++i) {
    std::vector<std::string> row{tests[i].audit + " " + tests[i].scope, kinds[i]};
    for (const auto& key : tabulated) row.push_back(withInterval(matrix.cells[i][indexOf(key)].spearman));
    table.push_back(row);
    for (const auto& key : tabulated) {
      const auto& c = matrix.cells[i][indexOf(key)];
      spearmanJson[columns[i].key][key] = std::isfinite(c.spearman.value) ? nlohmann::json(c.spearman.value) : nlohmann::json();
      pearsonJson[columns[i].key][key] = std::isfinite(c.pearson.value) ? nlohmann::json(c.pearson.value) : nlohmann::json();
    }
    for (size_t j = intrinsic; j < columns.size(); ++j)
      if (const double rho = matrix.cells[i][j].spearman.value; std::isfinite(rho))
        meanAbs[kinds[i]].first += std::abs(rho), ++meanAbs[kinds[i]].second;
  }
  nlohmann::json meanJson = nlohmann::json::object();
  for (const auto& [kind, sum] : meanAbs) meanJson[kind] = sum.second ? sum.first / sum.second : 0.0;

  // Per-run metrics, for anyone who wants other statistics.
  std::vector<std::vector<std::string>> perRun{{"run", "model", "cda", "target_epsilon", "seed"}};
  for (const auto& c : columns) perRun[0].push_back(c.key);
  for (size_t r = 0; r < runs.size(); ++r) {
    const auto& spec = specs[r];
    std::vector<std::string> row{std::to_string(runs[r].id), spec.model.type, spec.data.cda ? "true" : "false",
                                 spec.training.privacy.enabled() ? reportNumber(spec.training.privacy.targetEpsilon, "%g") : "inf",
                                 std::to_string(runs[r].seed)};
    for (const auto& c : columns) row.push_back(reportNumber(c.values[r], "%.5f"));
    perRun.push_back(row);
  }
  writeCsvTable((dir / kRunTableFile).string(), perRun);
  out.files.push_back((dir / kRunTableFile).string());

  // The figure: the aligned CEAT against the counterfactual token-fairness gap, one point per run.
  const auto x = indexOf(auditMetricKey(kCeatAudit, kAlignedScope, "effect_size")),
             y = indexOf(auditMetricKey(kFairnessAudit, "", "ctf_gap"));
  PlotDescription plot;
  plot.title = "Intrinsic vs extrinsic bias";
  plot.xLabel = "|CEAT effect size| (aligned)";
  plot.yLabel = "counterfactual token-fairness gap";
  std::map<std::string, PlotSeries> byModel;
  for (size_t r = 0; r < runs.size(); ++r)
    if (std::isfinite(columns[x].values[r]) && std::isfinite(columns[y].values[r])) {
      auto& s = byModel[specs[r].model.type];
      s.x.push_back(columns[x].values[r]);
      s.y.push_back(columns[y].values[r]);
    }
  for (auto& [model, s] : byModel) {
    std::vector<std::pair<double, double>> points;  // in x order, as plots keep their data
    for (size_t k = 0; k < s.x.size(); ++k) points.push_back({s.x[k], s.y[k]});
    std::sort(points.begin(), points.end());
    for (size_t k = 0; k < points.size(); ++k) s.x[k] = points[k].first, s.y[k] = points[k].second;
    s.name = model, s.markers = true;
    plot.series.push_back(s);
  }
  const auto figure = reportFigure(plot, "intrinsic-vs-extrinsic", "Aligned CEAT against the counterfactual token-fairness gap", o, out);

  const auto& xy = matrix.cells[x][y];
  std::string md = studyHeading("intrinsic vs extrinsic fairness", "fairness-consistency", o.size);
  md += "Sentiment classifiers trained on SST-2 (" + std::to_string(runs.size()) +
        " runs: model × counterfactual data augmentation × seed" + (o.size != StudySize::full ? "" : ", and each model with eDP-SGD at ε = 8") +
        "). Every run was measured with intrinsic tests (WEAT/SEAT on its token embeddings, CEAT on its contextual token "
        "states) and extrinsic probes (the fairness audit on the test split with label 1 as the positive class; the EEC "
        "gap). Correlations are over runs, with BCa 95 % intervals (runs resampled). Intrinsic metrics enter as |effect "
        "size| and the EEC gap as |female − male|, so each is a bias magnitude; the fairness audit's differences, flip "
        "rate, token-fairness gap and APS grow with bias, its ratios and bias AUCs shrink.\n\n";
  md += "*Standard* tests are sent-bias's WEAT 6–8 (and SEAT forms) and CEAT's occupations in the built-in corpus. The "
        "*aligned* test (`aligned.jsonl`) is built from what the extrinsic probes use: the counterfactual swapper's male "
        "and female words as targets, and the words that best separate positive from negative training reviews as "
        "attributes; its CEAT contexts are the training reviews that mention a gendered word (`aligned-corpus.txt`).\n\n";
  md += "## Spearman ρ, intrinsic × extrinsic\n\n" + markdownTable(table) + "\n";
  md += "Mean |ρ| over every extrinsic metric: standard " + reportNumber(meanJson.value("standard", std::nan("")), "%.3f") +
        ", aligned " + reportNumber(meanJson.value("aligned", std::nan("")), "%.3f") + ".\n\n";
  md += "Aligned CEAT vs token-fairness gap: Spearman " + withInterval(xy.spearman) + ", Pearson " +
        withInterval(xy.pearson) + " over " + std::to_string(xy.runs) + " runs.\n\n";
  md += figure;
  if (!skipped.empty()) {
    md += "Not measured (the run's vocabulary lacks a whole set of the test):\n\n";
    for (const auto& s : skipped) md += "- " + s + "\n";
    md += "\n";
  }
  md += "Files: `correlations.csv` (every pair, both coefficients and intervals), `runs.csv` (every metric of every "
        "run), `aligned.jsonl`, `specs/`, `versions.json`. Reproduce: `" + studyCommand("fairness-consistency", o.size) + "`.\n";
  writeExportFile(dir / "report.md", md);
  out.headlineJson = nlohmann::json{{"spearman", spearmanJson},
                                    {"pearson", pearsonJson},
                                    {"mean_abs_spearman", meanJson},
                                    {"runs", runs.size()}}
                         .dump();
}

}  // namespace

Study fairnessConsistencyStudy() { return {consistencySweeps, consistencyReport}; }

}  // namespace trustlab
