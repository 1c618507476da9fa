// core/studies: a study runs its grid of sweeps under experiment "study:<name>" (resumable: points
// already finished and audited are reused), then writes a report folder ready for a paper's
// appendix: report.md, its figures (CSV and a pgfplots .tex everywhere; the GUI's writer adds
// PDF/SVG/PNG), CSV tables, the exact sweep specs and the software versions. Its headline numbers
// are one JSON object (`trustlab-cli study NAME --json`).
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "config/registry.h"
#include "experiment/sweep.h"
#include "interop/run_report.h"

namespace trustlab {

/// How large a study's grid is: full (the paper's design at TrustLab's scale), quick (minutes on
/// 2 cores, the same comparisons with fewer seeds, rounds and epochs), smoke (every step of the
/// study at the smallest size that runs, a minute or two: to check a setup, a plugin or the
/// pipeline before a long run; its numbers mean nothing).
enum class StudySize { smoke, quick, full };

/// The sizes by name ("smoke", "quick", "full"), as the CLI and the GUI offer them.
const Registry<StudySize>& studySizeRegistry();
std::string studySizeName(StudySize size);
/// A design value per size.
template <typename T>
T bySize(StudySize size, T smoke, T quick, T full) {
  return size == StudySize::smoke ? smoke : size == StudySize::quick ? quick : full;
}

struct StudyOptions {
  RunStore* store = nullptr;
  std::string outputDir;  ///< the report folder (created)
  StudySize size = StudySize::full;
  std::function<void(const std::string&)> progress;
  std::vector<TrainingObserver*> observers;  ///< see each run train
  const std::atomic<bool>* stop = nullptr;
  FigureWriter figure = writeFigureData;
  std::string qtVersion;
  /// Processes sharing the study's sweeps, as SweepOptions (shard, shards, threads).
  int shard = 0, shards = 1, threads = 0;
  /// A process helping another: its share of the sweeps only (no other work, no report).
  bool sweepsOnly = false;
  /// Called once this process's sweeps are done, before the rest (wait for the helpers there).
  std::function<void()> afterSweeps;
};

struct StudyOutcome {
  std::string headlineJson;        ///< the study's headline numbers
  std::vector<std::string> files;  ///< report.md first, then every file written
  int ran = 0, reused = 0;         ///< points trained now / found finished in the store
  double seconds = 0;
  bool cancelled = false;
};

struct Study {
  /// The sweeps of the grid (their runs share the study's experiment).
  std::function<std::vector<SweepSpec>(StudySize size)> sweeps;
  /// The report from the grid's cells; fills headlineJson and files.
  std::function<void(const std::vector<SweepCell>& cells, const StudyOptions& options, StudyOutcome& out)> report;
  /// Work that is not a sweep (a distillation's teachers and students), run after the sweeps: it
  /// stores its runs under `experiment`, reuses finished ones, and sets out.cancelled when stopped.
  std::function<void(const StudyOptions& options, const std::string& experiment, StudyOutcome& out)> grid;
};

/// fl-selection, dp-audit, fairness-consistency, distillation and any added by plugins.
Registry<Study>& studyRegistry();

/// "study:<name>" ("study:<name>:quick", "study:<name>:smoke"): the experiment a study's runs are
/// stored under; the designs of each size differ, so their runs are kept apart.
std::string studyExperiment(const std::string& name, StudySize size);
/// For a report: its heading "# Study: what (name[, size])" (a smoke report says its numbers mean
/// nothing), and the command that reproduces it.
std::string studyHeading(const std::string& what, const std::string& name, StudySize size);
std::string studyCommand(const std::string& name, StudySize size);

/// Runs study `name`: its sweeps (stopping when options.stop is raised), then its report.
StudyOutcome runStudy(const std::string& name, const StudyOptions& options);

/// For study reports: writes `rows` (the first is the header) as RFC 4180 CSV at `path`.
void writeCsvTable(const std::string& path, const std::vector<std::vector<std::string>>& rows);
/// The same rows as a Markdown table.
std::string markdownTable(const std::vector<std::vector<std::string>>& rows);
/// `v` printed with `format` for a report's tables; "—" when it is not finite.
std::string reportNumber(double v, const char* format = "%.2f");
/// The mean of metric `key` over a cell's runs (NaN when they have none), and as a table shows
/// it: "mean ± sample std" (the mean alone for one run; "—" when missing).
double cellMean(const SweepCell& cell, const std::string& key);
std::string cellMeanStd(const SweepCell& cell, const std::string& key, const char* format = "%.3f");
/// Writes `plot` as `name`.* in the report folder (options.figure), adds the files to out.files and
/// returns the report's paragraph for it: the PNG with `caption` when one was written, else where
/// the pgfplots source and the data are.
std::string reportFigure(const PlotDescription& plot, const std::string& name, const std::string& caption,
                         const StudyOptions& options, StudyOutcome& out);

Study dpAuditStudy();
Study fairnessConsistencyStudy();
Study distillationStudy();
Study flSelectionStudy();

}  // namespace trustlab
