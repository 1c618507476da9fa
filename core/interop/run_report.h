// core/interop: a Markdown report of several runs, for a lab notebook or a paper's appendix:
// what each run is (name, status, seed, ε spent), the settings that differ between them, their
// final metrics side by side, and one figure per metric history they share (train/loss,
// valid/accuracy, privacy/epsilon, … ; every run a series). Without a display the figures are
// their CSV data and a pgfplots .tex that compiles; the GUI passes a writer that also renders
// PDF/SVG/PNG, and the report then shows the PNGs.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "plots/series_export.h"

namespace trustlab {

class RunStore;

/// Writes one figure at `basePath` (no extension) and returns the files written.
using FigureWriter = std::function<std::vector<std::string>(const PlotDescription&, const std::string& basePath)>;

/// The figure as `basePath`.csv and `basePath`.tex (8.5 × 6 cm); throws InputError naming a file
/// that cannot be written.
std::vector<std::string> writeFigureData(const PlotDescription& plot, const std::string& basePath);

struct RunReport {
  std::string markdown;            ///< DIR/report.md
  std::vector<std::string> files;  ///< report.md first, then every figure file
};

/// The report of `runIds` (all runs when empty) in `dir` (created). Figures: the histories of
/// `figureMetrics`, or when empty, of every metric with more than one point in some run.
RunReport writeRunReport(const RunStore& store, const std::vector<long long>& runIds, const std::string& dir,
                         const std::vector<std::string>& figureMetrics = {},
                         const FigureWriter& figure = writeFigureData);

}  // namespace trustlab
