// views: writes a QCustomPlot for a paper: vector PDF (fonts embedded), SVG (with a viewBox so
// viewers keep the size), PNG at 300 dpi, the data as CSV, and a pgfplots .tex that compiles.
#pragma once
#include <QString>
#include <QStringList>

#include "plots/series_export.h"

class QCustomPlot;

namespace trustlab {

struct ExportRequest {
  QString basePath;                   ///< without extension
  double widthPt = 241, heightPt = 170;  ///< PostScript points (1/72 in); 241 pt ≈ 8.5 cm column
  bool pdf = true, svg = true, png = true, csv = true, tex = true;
  double pngDpi = 300;
};

/// Creates the folder `basePath` lies in when it is missing; throws InputError naming the folder
/// and the reason (a file in the way, no permission) when it cannot (interop/export_files.h).
void makeExportFolder(const QString& basePath);

/// Returns the files written (creating the folder first); throws std::runtime_error naming the
/// file that failed and why.
QStringList exportPlot(QCustomPlot* plot, const PlotDescription& data, const ExportRequest& request);
/// Every format at `basePath` and widthPt × heightPt (what a view's exportAll writes per plot).
QStringList exportPlot(QCustomPlot* plot, const PlotDescription& data, const QString& basePath, double widthPt,
                       double heightPt);

}  // namespace trustlab
