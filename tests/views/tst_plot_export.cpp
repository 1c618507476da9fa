// Tests views plot export: every format is written at the requested physical size, the SVG has
// a viewBox, the PDF embeds its fonts, and the pgfplots .tex compiles (when pdflatex exists).
#include <QtTest>
#include <QtWidgets>
#include <qcustomplot.h>

#include "metric_plot.h"

using namespace trustlab;

class TestPlotExport : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QStringList files_;

 private Q_SLOTS:
  void initTestCase() {
    auto* plot = new MetricPlot("Accuracy vs ε", "step", "accuracy");
    plot->resize(600, 400);
    const int s = plot->addSeries("run 1 valid");
    for (int i = 1; i <= 50; ++i) plot->appendPoint(s, i, 1.0 - 1.0 / i);
    QCOMPARE(plot->pointCount(), 50);
    // 8.5 cm × 6 cm in PostScript points.
    files_ = plot->exportAll(dir_.path() + "/fig", 8.5 / 2.54 * 72, 6 / 2.54 * 72);
    delete plot;
  }
  void allFormatsWritten() {
    QCOMPARE(files_.size(), 5);
    for (const auto& f : files_) QVERIFY2(QFileInfo(f).size() > 100, qPrintable(f));
  }
  void pngHasPaperSizeAt300Dpi() {
    const QImage img(dir_.path() + "/fig.png");
    QVERIFY(!img.isNull());
    QVERIFY2(qAbs(img.width() - qRound(8.5 / 2.54 * 300)) <= 3, qPrintable(QString::number(img.width())));
  }
  void svgHasViewBox() {
    QFile f(dir_.path() + "/fig.svg");
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("viewBox=\"0 0 241"));
  }
  void pdfIsVectorWithEmbeddedFonts() {
    QFile f(dir_.path() + "/fig.pdf");
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.read(5) == "%PDF-");
    if (QStandardPaths::findExecutable("pdffonts").isEmpty()) QSKIP("pdffonts (poppler-utils) not installed");
    QProcess p;
    p.start("pdffonts", {f.fileName()});
    QVERIFY(p.waitForFinished());
    const auto lines = QString(p.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts).mid(2);
    QVERIFY(!lines.isEmpty());
    for (const auto& l : lines) QVERIFY2(l.contains(" yes "), qPrintable(l));
  }
  void pgfplotsCompiles() {
    QFile f(dir_.path() + "/fig.tex");
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("\\begin{axis}"));
    if (QStandardPaths::findExecutable("pdflatex").isEmpty()) QSKIP("pdflatex not installed");
    QProcess p;
    p.setWorkingDirectory(dir_.path());
    p.start("pdflatex", {"-interaction=nonstopmode", "-halt-on-error", "fig.tex"});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardOutput().right(2000).constData());
    QVERIFY(QFileInfo::exists(dir_.path() + "/fig.pdf"));
  }
  void csvHasRawAndSmoothed() {
    QFile f(dir_.path() + "/fig.csv");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto csv = f.readAll();
    QVERIFY(csv.startsWith("series,x,y\n"));
    QVERIFY(csv.contains("run 1 valid (raw),50,0.98"));
    QCOMPARE(csv.count('\n'), 101);
  }
};

QTEST_MAIN(TestPlotExport)
#include "tst_plot_export.moc"
