#include "plot_exporter.h"

#include <qcustomplot.h>

#include <QFile>
#include <QFileInfo>
#include <QSvgGenerator>
#include <filesystem>
#include <stdexcept>

#include "interop/export_files.h"

namespace trustlab {
namespace {

void writeText(const QString& path, const std::string& text) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text.data(), qint64(text.size())) != qint64(text.size()))
    throw std::runtime_error(path.toStdString() + ": cannot write: " + f.errorString().toStdString());
}

/// QCustomPlot says only whether it wrote a file; opening the file first gives the reason.
void requireWritable(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
    throw std::runtime_error(path.toStdString() + ": cannot write: " + f.errorString().toStdString());
}

void check(bool ok, const QString& path) {
  if (!ok) throw std::runtime_error(path.toStdString() + ": the plot could not be written");
}

}  // namespace

void makeExportFolder(const QString& basePath) {
  makeExportFolder(std::filesystem::path(QFileInfo(basePath).absolutePath().toStdString()));
}

QStringList exportPlot(QCustomPlot* plot, const PlotDescription& data, const ExportRequest& r) {
  makeExportFolder(r.basePath);
  for (const auto& [wanted, extension] : {std::pair{r.pdf, ".pdf"}, {r.svg, ".svg"}, {r.png, ".png"}})
    if (wanted) requireWritable(r.basePath + extension);
  QStringList written;
  const int w = qMax(1, qRound(r.widthPt)), h = qMax(1, qRound(r.heightPt));
  if (r.pdf) {
    const QString path = r.basePath + ".pdf";
    check(plot->savePdf(path, w, h, QCP::epNoCosmetic, "TrustLab", QString::fromStdString(data.title)), path);
    written << path;
  }
  if (r.svg) {
    const QString path = r.basePath + ".svg";
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(QSize(w, h));
    svg.setViewBox(QRect(0, 0, w, h));
    svg.setResolution(72);  // one unit = one point
    svg.setTitle(QString::fromStdString(data.title));
    QCPPainter painter;
    check(painter.begin(&svg), path);
    plot->toPainter(&painter, w, h);
    painter.end();
    written << path;
  }
  if (r.png) {
    const QString path = r.basePath + ".png";
    check(plot->savePng(path, w, h, r.pngDpi / 72.0, -1, int(r.pngDpi), QCP::ruDotsPerInch), path);
    written << path;
  }
  if (r.csv) {
    writeText(r.basePath + ".csv", toCsv(data));
    written << r.basePath + ".csv";
  }
  if (r.tex) {
    // pgfplots sizes are TeX points (1/72.27 in).
    writeText(r.basePath + ".tex", toPgfplots(data, r.widthPt * 72.27 / 72.0, r.heightPt * 72.27 / 72.0));
    written << r.basePath + ".tex";
  }
  return written;
}

QStringList exportPlot(QCustomPlot* plot, const PlotDescription& data, const QString& basePath, double widthPt,
                       double heightPt) {
  ExportRequest r;
  r.basePath = basePath;
  r.widthPt = widthPt;
  r.heightPt = heightPt;
  return exportPlot(plot, data, r);
}

}  // namespace trustlab
