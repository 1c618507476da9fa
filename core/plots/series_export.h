// core/plots: writes plotted series as data a paper can use: a long-format CSV and a pgfplots
// .tex figure (standalone, compiles with pdflatex) sized in cm or pt for a paper column.
#pragma once
#include <string>
#include <vector>

namespace trustlab {

struct PlotSeries {
  std::string name;  ///< legend entry
  std::vector<double> x, y;
  std::string color;  ///< "#rrggbb"
  bool dashed = false;
  bool faint = false;  ///< drawn light and left out of the legend (raw values behind a smoothed line)
  bool markers = false;  ///< points only, no line: a scatter
};

struct PlotDescription {
  std::string title, xLabel, yLabel;
  std::vector<PlotSeries> series;
  bool logX = false, logY = false;
  double widthCm = 8.5, heightCm = 6.0;  ///< as a report's figure: one paper column unless it needs more
};

/// One CSV field, quoted as RFC 4180 asks when it holds a comma, quote or newline.
std::string csvField(const std::string& s);

/// Columns: series,x,y (RFC 4180 quoting of names).
std::string toCsv(const PlotDescription& plot);

/// A standalone LaTeX document with one pgfplots axis, `widthPt` × `heightPt` big, data inline.
std::string toPgfplots(const PlotDescription& plot, double widthPt, double heightPt);

/// Unit conversion for the export dialog: "cm", "mm", "in" or "pt" → TeX points (1 in = 72.27 pt).
double toTexPoints(double value, const std::string& unit);

}  // namespace trustlab
