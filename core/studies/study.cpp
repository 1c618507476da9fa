#include "studies/study.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "interop/export_files.h"
#include "plots/series_export.h"
#include "util/runtime.h"

namespace trustlab {
namespace {

/// What produced the report: TrustLab and LibTorch versions, the commit, the host, the date.
std::string versionsJson() {
  const auto b = buildInfo();
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return nlohmann::json{{"trustlab", b.trustlabVersion}, {"libtorch", b.libtorchVersion}, {"git_commit", b.gitCommit},
                        {"cuda_available", b.cudaAvailable}, {"host", hostDescription()}, {"written", date}}
      .dump(2);
}

}  // namespace

Registry<Study>& studyRegistry() {
  static Registry<Study> r("study", "", [](auto& reg) {
    reg.add({"fl-selection", "Federated learning in the real world: activity vs uniform device selection, static vs continual data"},
            flSelectionStudy());
    reg.add({"dp-audit", "DP theory vs practice: the theoretical ε against white-box and black-box audits"}, dpAuditStudy());
    reg.add({"fairness-consistency", "Intrinsic vs extrinsic fairness: do WEAT/SEAT/CEAT agree with downstream gaps over runs?"},
            fairnessConsistencyStudy());
    reg.add({"distillation", "Role-reversal distillation downstream: does less generation disparity mean a fairer fine-tuned classifier?"},
            distillationStudy());
  });
  return r;
}

const Registry<StudySize>& studySizeRegistry() {
  static const Registry<StudySize> r("study size", "", [](auto& reg) {
    reg.add({"full", "the paper's design at TrustLab's scale (hours on 2 cores)"}, StudySize::full);
    reg.add({"quick", "the same comparisons with fewer seeds, rounds and epochs (minutes on 2 cores)"}, StudySize::quick);
    reg.add({"smoke", "every step at the smallest size that runs (a minute or two): checks the setup; its numbers mean nothing"},
            StudySize::smoke);
  });
  return r;
}

std::string studySizeName(StudySize size) {
  for (const auto& name : studySizeRegistry().names())
    if (studySizeRegistry().at(name) == size) return name;
  throw std::logic_error("study size without a name");
}

std::string studyExperiment(const std::string& name, StudySize size) {
  return "study:" + name + (size == StudySize::full ? "" : ":" + studySizeName(size));
}

std::string studyHeading(const std::string& what, const std::string& name, StudySize size) {
  std::string md = "# Study: " + what + " (" + name + (size == StudySize::full ? "" : ", " + studySizeName(size)) + ")\n\n";
  if (size == StudySize::smoke)
    md += "> Smoke size: every step ran at the smallest size that runs. This report checks the setup; its numbers "
          "mean nothing (`--size quick` or `full` for results).\n\n";
  return md;
}

std::string studyCommand(const std::string& name, StudySize size) {
  return "trustlab-cli study " + name + (size == StudySize::full ? "" : " --size " + studySizeName(size));
}

StudyOutcome runStudy(const std::string& name, const StudyOptions& o) {
  if (!o.store) throw std::invalid_argument("runStudy: needs a store");
  const auto& study = studyRegistry().at(name);
  const auto t0 = std::chrono::steady_clock::now();
  StudyOutcome out;
  const auto sweeps = study.sweeps(o.size);
  for (const auto& sweep : sweeps) sweep.requireValid("study " + name);
  SweepOptions so;
  so.store = o.store;
  so.experiment = studyExperiment(name, o.size);
  so.stop = o.stop;
  so.onMessage = o.progress;
  so.observers = o.observers;
  so.qtVersion = o.qtVersion;
  so.shard = o.shard;
  so.shards = o.shards;
  so.threads = o.threads;
  for (const auto& sweep : sweeps) {
    const auto r = runSweep(sweep, so);
    out.ran += r.ran;
    out.reused += r.reused;
    if (r.cancelled) {
      out.cancelled = true;
      return out;
    }
  }
  if (o.sweepsOnly) return out;
  if (o.afterSweeps) o.afterSweeps();
  if (study.grid) {
    study.grid(o, so.experiment, out);
    if (out.cancelled) return out;
  }
  const std::filesystem::path dir(o.outputDir);
  makeExportFolder(dir / "specs");
  out.files.push_back((dir / "report.md").string());  // written by the study's report, listed first
  for (const auto& sweep : sweeps) {
    const auto path = dir / "specs" / (sweep.name + ".json");
    writeExportFile(path, sweep.toJson());
    out.files.push_back(path.string());
  }
  writeExportFile(dir / "versions.json", versionsJson());
  out.files.push_back((dir / "versions.json").string());
  study.report(summarizeExperiment(*o.store, studyExperiment(name, o.size)), o, out);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

void writeCsvTable(const std::string& path, const std::vector<std::vector<std::string>>& rows) {
  std::string text;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) text += (i ? "," : "") + csvField(row[i]);
    text += "\n";
  }
  writeExportFile(path, text);
}

std::string reportNumber(double v, const char* format) {
  if (!std::isfinite(v)) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

double cellMean(const SweepCell& c, const std::string& key) {
  const auto it = c.metrics.find(key);
  return it == c.metrics.end() ? std::nan("") : it->second.first;
}

std::string cellMeanStd(const SweepCell& c, const std::string& key, const char* format) {
  const auto it = c.metrics.find(key);
  if (it == c.metrics.end()) return "—";
  const auto [mean, sd] = it->second;
  return c.runs > 1 ? reportNumber(mean, format) + " ± " + reportNumber(sd, format) : reportNumber(mean, format);
}

std::string reportFigure(const PlotDescription& plot, const std::string& name, const std::string& caption,
                         const StudyOptions& o, StudyOutcome& out) {
  const std::filesystem::path dir(o.outputDir);
  const auto figure = o.figure(plot, (dir / name).string());
  out.files.insert(out.files.end(), figure.begin(), figure.end());
  if (std::find(figure.begin(), figure.end(), (dir / (name + ".png")).string()) != figure.end())
    return "![" + caption + "](" + name + ".png)\n\n";
  return "Figure: `" + name + ".tex` (pgfplots; `pdflatex " + name + ".tex`), data in `" + name + ".csv`.\n\n";
}

std::string markdownTable(const std::vector<std::vector<std::string>>& rows) {
  std::string text;
  for (size_t r = 0; r < rows.size(); ++r) {
    text += "|";
    for (const auto& cell : rows[r]) text += " " + cell + " |";
    text += "\n";
    if (r == 0) {
      text += "|";
      for (size_t i = 0; i < rows[0].size(); ++i) text += "---|";
      text += "\n";
    }
  }
  return text;
}

}  // namespace trustlab
