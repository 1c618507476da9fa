// core/studies: counterfactual role-reversal distillation downstream (Gupta et al., Findings of ACL
// 2022, who found that less gender disparity in open-ended generation need not mean a fairer
// classifier once the student is fine-tuned). A GPT-2-shaped teacher learns the built-in gendered
// corpus (its planted occupation–pronoun association) together with SST-2's training sentences;
// each method (kd, cda, perturb, both) distils a student of half its depth; every student is saved
// as a model folder and fine-tuned on SST-2 sentiment, and that classifier gets the fairness audit
// (counterfactual flip rate and token-fairness gap, group gaps). The report sets each method's
// generation disparity beside its downstream disparity. Quick: one seed, a sample of SST-2 as
// corpus, short fine-tunes; full: three seeds, all of SST-2's sentences, a wider teacher, full epochs.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "audits/audit.h"
#include "audits/fairness_audit.h"
#include "data/dataset_registry.h"
#include "experiment/distillation_run.h"
#include "fairness/metric_correlation.h"
#include "interop/export_files.h"
#include "studies/study.h"
#include "util/errors.h"
#include "util/sha256.h"

namespace trustlab {
namespace {

constexpr char kDownstreamDataset[] = "sst2";
/// The downstream metrics tabulated: as the student's run stores them, the column, the headline key.
struct DownstreamColumn {
  std::string key, label, headline;
};
/// Fairness audit metric `metric` of the downstream run, as its student's run stores it.
std::string downstreamFairnessKey(const std::string& metric) { return kDownstreamPrefix + auditMetricKey(kFairnessAudit, "", metric); }
/// The figure's y: the downstream counterfactual token-fairness gap.
constexpr char kFigureMetric[] = "ctf_gap";
DownstreamColumn fairnessColumn(const std::string& metric, const std::string& label) {
  return {downstreamFairnessKey(metric), label, "downstream_" + metric};
}
const std::vector<DownstreamColumn>& downstreamColumns() {
  static const std::vector<DownstreamColumn> columns = {
      {std::string(kDownstreamPrefix) + "test/accuracy", "SST-2 accuracy", "downstream_accuracy"},
      fairnessColumn("flip_rate", "flip rate"),
      fairnessColumn(kFigureMetric, "token-fairness gap"),
      fairnessColumn("dp_difference", "DP difference"),
      fairnessColumn("eo_difference", "EO difference")};
  return columns;
}

std::vector<unsigned long long> seeds(StudySize size) { return bySize<std::vector<unsigned long long>>(size, {1}, {1}, {1, 2, 3}); }

/// SST-2's training sentences: the text the teacher learns besides the gendered corpus.
std::string sst2Sentences() {
  const auto path = std::filesystem::path(dataRoot()) / kDownstreamDataset / "train.tsv";
  if (dataRoot().empty() || !std::filesystem::is_regular_file(path))
    throw InputError("study distillation", "needs SST-2 (" + path.string() + "): set TRUSTLAB_DATA_DIR to the data folder");
  return path.string();
}

DistillationRunOptions design(StudySize size, unsigned long long seed, const std::string& experiment) {
  DistillationRunOptions o;
  o.corpus = "default+" + sst2Sentences();
  o.sentences = bySize<size_t>(size, 500, 3000, 6000);
  o.corpusLines = bySize<size_t>(size, 500, 3000, 0);
  o.maxVocabulary = bySize<size_t>(size, 2000, 4000, 12000);
  o.methods = distillationMethods();
  o.teacherDim = bySize<long>(size, 32, 64, 128);
  o.teacherLayers = bySize<long>(size, 2, 2, 4);
  o.teacher.epochs = bySize(size, 1, 8, 12);
  o.teacher.seed = o.distillation.training.seed = seed;
  o.distillation.training.epochs = bySize(size, 1, 3, 6);
  o.examples = 0;
  o.downstream = downstreamTask(kDownstreamDataset, bySize(size, 1, 1, 2));
  o.downstream->training.maxSteps = bySize(size, 20, 300, 0);
  o.downstream->training.seed = seed;
  o.downstreamPositive = "1";
  o.experiment = experiment;
  o.reuseFinished = true;
  return o;
}

void distillationGrid(const StudyOptions& so, const std::string& experiment, StudyOutcome& out) {
  const auto progress = [&](const std::string& phase, int epoch, int epochs, double loss) {
    if (so.progress) so.progress(phase + " " + std::to_string(epoch) + "/" + std::to_string(epochs) + " loss " + reportNumber(loss, "%.3f"));
  };
  for (const auto seed : seeds(so.size)) {
    if (so.progress) so.progress("distillation, seed " + std::to_string(seed));
    for (const auto& r : runDistillation(design(so.size, seed, experiment), so.store, progress, {}, so.stop))
      (r.reused ? out.reused : out.ran)++;
    if (so.stop && so.stop->load()) {
      out.cancelled = true;
      return;
    }
  }
}

/// The newest finished student of each method and seed of the current design.
std::map<std::string, std::vector<RunRecord>> studentsByMethod(const RunStore& store, StudySize size, const std::string& experiment) {
  std::map<std::string, std::string> methodOfHash;
  for (const auto seed : seeds(size)) {
    const auto o = design(size, seed, experiment);
    for (const auto& m : o.methods) methodOfHash[sha256Hex(distillationSpecJson(o, m))] = m;
  }
  std::map<std::string, std::vector<RunRecord>> out;
  std::set<std::string> seen;
  for (const auto& run : store.listRuns(experiment)) {
    const auto it = methodOfHash.find(run.specSha256);
    if (run.experiment != experiment || run.status != "finished" || it == methodOfHash.end() || !seen.insert(run.specSha256).second)
      continue;
    out[it->second].push_back(run);
  }
  return out;
}

/// "mean ± sd" over runs (the mean alone for one).
std::string meanSd(const std::vector<RunRecord>& runs, const std::string& key, double* meanOut = nullptr) {
  std::vector<double> v;
  for (const auto& r : runs)
    if (std::isfinite(r.metric(key))) v.push_back(r.metric(key));
  if (v.empty()) return "—";
  double mean = 0, var = 0;
  for (double x : v) mean += x / double(v.size());
  for (double x : v) var += (x - mean) * (x - mean);
  if (meanOut) *meanOut = mean;
  return reportNumber(mean, "%.3f") + (v.size() > 1 ? " ± " + reportNumber(std::sqrt(var / double(v.size() - 1)), "%.3f") : "");
}

void distillationReport(const std::vector<SweepCell>&, const StudyOptions& o, StudyOutcome& out) {
  const std::filesystem::path dir(o.outputDir);
  const auto experiment = studyExperiment("distillation", o.size);
  const auto byMethod = studentsByMethod(*o.store, o.size, experiment);
  std::vector<std::vector<std::string>> rows{{"method", "generation disparity", "perplexity"}};
  for (const auto& c : downstreamColumns()) rows[0].push_back(c.label);
  rows[0].push_back("runs");
  nlohmann::json headline = {{"teacher_disparity", nullptr}, {"generation_disparity", nlohmann::json::object()}};
  std::vector<RunRecord> all;
  for (const auto& method : distillationMethods()) {
    if (!byMethod.count(method)) continue;
    const auto& runs = byMethod.at(method);
    all.insert(all.end(), runs.begin(), runs.end());
    double mean = std::nan("");
    std::vector<std::string> row{method, meanSd(runs, kDisparityMetric, &mean), meanSd(runs, kPerplexityMetric)};
    headline["generation_disparity"][method] = mean;
    for (const auto& c : downstreamColumns()) {
      double m = std::nan("");
      row.push_back(meanSd(runs, c.key, &m));
      headline[c.headline][method] = m;
    }
    row.push_back(std::to_string(runs.size()));
    rows.push_back(row);
  }
  if (all.empty()) throw InputError("study distillation", "no finished students under " + experiment + " to report on");
  // One teacher per seed: each of its students carries its disparity, so read it off one method's runs.
  double teacher = std::nan("");
  const auto teacherText = meanSd(byMethod.begin()->second, kTeacherDisparityMetric, &teacher);
  headline["teacher_disparity"] = teacher;
  // Does less generation disparity go with less downstream disparity? Spearman over every student.
  std::vector<double> x, y;
  PlotDescription plot;
  plot.title = "Generation vs downstream disparity";
  plot.xLabel = "generation gender disparity";
  plot.yLabel = "SST-2 token-fairness gap";
  for (const auto& [method, runs] : byMethod) {
    PlotSeries s;
    s.name = method, s.markers = true;
    std::vector<std::pair<double, double>> points;
    for (const auto& r : runs)
      if (std::isfinite(r.metric(kDisparityMetric)) && std::isfinite(r.metric(downstreamFairnessKey(kFigureMetric))))
        points.push_back({r.metric(kDisparityMetric), r.metric(downstreamFairnessKey(kFigureMetric))});
    std::sort(points.begin(), points.end());
    for (const auto& [px, py] : points) s.x.push_back(px), s.y.push_back(py), x.push_back(px), y.push_back(py);
    plot.series.push_back(s);
  }
  const double rho = x.size() >= 3 ? spearman(x, y) : std::nan("");
  headline["spearman_generation_vs_downstream"] = std::isfinite(rho) ? nlohmann::json(rho) : nlohmann::json();
  writeCsvTable((dir / "methods.csv").string(), rows);
  out.files.push_back((dir / "methods.csv").string());
  for (const auto& r : all) {
    const auto path = dir / "specs" / ("student-" + r.params.at("method") + "-seed" + std::to_string(r.seed) + ".json");
    writeExportFile(path, r.specJson);
    out.files.push_back(path.string());
  }
  const auto figure = reportFigure(plot, "generation-vs-downstream", "Generation disparity against downstream disparity", o, out);

  std::string md = studyHeading("role-reversal distillation downstream", "distillation", o.size);
  md += "A GPT-2-shaped teacher was trained on the built-in gendered corpus (a planted occupation–pronoun association) "
        "with SST-2's training sentences, then distilled into a student of half its depth by plain KD, CDA (the corpus "
        "plus its gender-swapped copy), teacher-prediction perturbation (the teacher's next-token distribution mixed with "
        "its distribution on the swapped context), and both. Generation disparity is the student's mean |p(she) − p(he)| "
        "gap after occupation prompts, as a share of the pronoun mass. Each student was saved as a model folder and "
        "fine-tuned on SST-2 sentiment as an `hf` classifier; the fairness audit measured that classifier on the test "
        "split (positive class 1): the counterfactual flip rate and token-fairness gap under gender swaps, and the "
        "demographic-parity and equalized-odds differences between sentences mentioning women and men.\n\n";
  md += "Teacher's generation disparity: " + teacherText + ".\n\n" + markdownTable(rows) + "\n";
  md += "Spearman ρ between generation disparity and the downstream token-fairness gap over " + std::to_string(x.size()) +
        " students: " + reportNumber(rho, "%.3f") + (x.size() < 3 ? " (needs ≥ 3 students)" : "") + ".\n\n";
  md += figure;
  md += "Files: `methods.csv` (this table), `specs/` (each student's exact options, downstream task included), "
        "`versions.json`. Each student's model folder is its run's artifact folder (`trustlab-cli model generate` reads "
        "it; `trustlab-cli runs show` lists the downstream run). Reproduce: `" + studyCommand("distillation", o.size) + "`.\n";
  writeExportFile(dir / "report.md", md);
  out.headlineJson = headline.dump();
}

}  // namespace

Study distillationStudy() {
  Study s;
  s.sweeps = [](StudySize) { return std::vector<SweepSpec>{}; };
  s.report = distillationReport;
  s.grid = distillationGrid;
  return s;
}

}  // namespace trustlab
