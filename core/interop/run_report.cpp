#include "interop/run_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "interop/export_files.h"
#include "store/run_comparison.h"
#include "store/run_store.h"

namespace trustlab {
namespace {

namespace fs = std::filesystem;

// Okabe–Ito, as the GUI's plots: distinguishable with the common colour-vision deficiencies.
const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"};

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// A Markdown table cell: pipes escaped, newlines folded.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

std::string slug(const std::string& key) {
  std::string s = key;
  for (auto& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  return s;
}

std::vector<std::string> metricsWithHistory(const RunStore& store, const std::vector<RunRecord>& runs) {
  std::set<std::string> keys;
  for (const auto& r : runs)
    for (const auto& k : store.metricKeys(r.id))
      if (store.metricHistory(r.id, k).size() > 1) keys.insert(k);
  return {keys.begin(), keys.end()};
}

PlotDescription figureOf(const RunStore& store, const std::vector<RunRecord>& runs, const std::string& key) {
  PlotDescription d;
  d.title = key;
  d.xLabel = "step";
  d.yLabel = key;
  for (size_t i = 0; i < runs.size(); ++i) {
    PlotSeries s{"#" + std::to_string(runs[i].id) + " " + runs[i].name, {}, {}, kColours[i % 8]};
    for (const auto& p : store.metricHistory(runs[i].id, key)) s.x.push_back(double(p.step)), s.y.push_back(p.value);
    if (!s.x.empty()) d.series.push_back(std::move(s));
  }
  return d;
}

void runsTable(std::ostream& md, const std::vector<RunRecord>& runs) {
  md << "| run | name | experiment | status | seed | ε spent | started |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : runs) {
    const auto eps = r.latestMetrics.find("privacy/epsilon");
    md << "| " << r.id << " | " << cell(r.name) << " | " << cell(r.experiment) << " | " << r.status << " | " << r.seed
       << " | " << (eps == r.latestMetrics.end() ? std::string("—") : number(eps->second)) << " | "
       << static_cast<long long>(r.startTime) << " |\n";
  }
}

template <typename Rows, typename Format>
void sideBySide(std::ostream& md, const std::vector<RunRecord>& runs, const char* title, const Rows& rows, Format format) {
  md << "| " << title;
  for (const auto& r : runs) md << " | #" << r.id;
  md << " |\n|---";
  for (size_t i = 0; i < runs.size(); ++i) md << "|---";
  md << "|\n";
  for (const auto& [key, values] : rows) {
    md << "| " << cell(key);
    for (const auto& v : values) md << " | " << (v ? cell(format(*v)) : std::string("—"));
    md << " |\n";
  }
}

}  // namespace

std::vector<std::string> writeFigureData(const PlotDescription& plot, const std::string& basePath) {
  writeExportFile(basePath + ".csv", toCsv(plot));
  writeExportFile(basePath + ".tex", toPgfplots(plot, plot.widthCm / 2.54 * 72.27, plot.heightCm / 2.54 * 72.27));
  return {basePath + ".csv", basePath + ".tex"};
}

RunReport writeRunReport(const RunStore& store, const std::vector<long long>& runIds, const std::string& dir,
                         const std::vector<std::string>& figureMetrics, const FigureWriter& figure) {
  const auto runs = runsToExport(store, runIds);
  const fs::path root = fs::absolute(dir);
  makeExportFolder(root);
  RunReport report;
  report.markdown = (root / "report.md").string();
  report.files.push_back(report.markdown);

  std::ostringstream md;
  md << "# TrustLab report: " << runs.size() << " run(s)\n\nStore: `" << store.path() << "`\n\n## Runs\n\n";
  runsTable(md, runs);
  const auto comparison = compareRuns(runs);
  md << "\n## Settings that differ\n\n";
  if (comparison.differingSettings.empty()) md << "None: the runs share every setting.\n";
  else sideBySide(md, runs, "setting", comparison.differingSettings, [](const std::string& v) { return v; });
  md << "\n" << comparison.sameSettings << " other settings are the same in every run.\n\n## Final metrics\n\n";
  sideBySide(md, runs, "metric", comparison.metrics, [](double v) { return number(v); });
  md << "\n## Figures\n";
  for (const auto& key : figureMetrics.empty() ? metricsWithHistory(store, runs) : figureMetrics) {
    const auto plot = figureOf(store, runs, key);
    if (plot.series.empty()) continue;
    const auto files = figure(plot, (root / ("figure-" + slug(key))).string());
    report.files.insert(report.files.end(), files.begin(), files.end());
    md << "\n### " << key << "\n\n";
    const auto png = std::find_if(files.begin(), files.end(), [](const auto& f) { return f.size() > 4 && f.substr(f.size() - 4) == ".png"; });
    if (png != files.end()) md << "![" << key << "](" << fs::path(*png).filename().string() << ")\n\n";
    md << "Files:";
    for (const auto& f : files) md << " [" << fs::path(f).filename().string() << "](" << fs::path(f).filename().string() << ")";
    md << "\n";
  }
  writeExportFile(report.markdown, md.str());
  return report;
}

}  // namespace trustlab
