// Tests views plot export: every format is written at the requested physical size, the SVG has
// a viewBox, the PDF embeds its fonts, and the pgfplots .tex compiles (when pdflatex exists).
// Bad targets (a file where a folder should be) are refused with the path and the reason, in a
// box from the GUI's paths and as an exception from the headless ones, never a crash; missing
// folders are created.
#include <QtTest>
#include <QtWidgets>
#include <qcustomplot.h>

#include "export_dialog.h"
#include "metric_plot.h"
#include "responsiveness_probe.h"
#include "table_text.h"

using namespace trustlab;

class TestPlotExport : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QStringList files_;

  /// A regular file: any path under it is a bad target ("Not a directory").
  QString blocker() const {
    const QString path = dir_.path() + "/blocker";
    QFile f(path);
    if (!f.exists() && f.open(QIODevice::WriteOnly)) f.write("not a folder");
    return path;
  }
  static MetricPlot* samplePlot() {
    auto* plot = new MetricPlot("Loss", "step", "loss");
    plot->resize(400, 300);
    const int s = plot->addSeries("run 1");
    for (int i = 1; i <= 10; ++i) plot->appendPoint(s, i, 1.0 / i);
    return plot;
  }
  /// The text of the error box opened on `parent` (empty when none), which it closes.
  static QString errorBoxText(QWidget* parent) {
    QCoreApplication::processEvents();
    auto* box = parent->findChild<QMessageBox*>("errorDialog");
    if (!box) return {};
    const QString text = box->text();
    box->close();
    delete box;
    return text;
  }

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
  void missingFoldersAreCreated() {
    std::unique_ptr<MetricPlot> plot(samplePlot());
    const auto written = plot->exportAll(dir_.path() + "/new/nested/fig", 241, 170);
    QCOMPARE(written.size(), 5);
    for (const auto& f : written) QVERIFY2(QFileInfo(f).size() > 0, qPrintable(f));
  }
  void badTargetThrowsNamingThePath() {
    std::unique_ptr<MetricPlot> plot(samplePlot());
    const QString target = blocker() + "/fig";
    try {
      plot->exportAll(target, 241, 170);
      QFAIL("no error");
    } catch (const std::runtime_error& e) {
      QVERIFY2(QString(e.what()).contains(blocker()) && QString(e.what()).contains("Not a directory"), e.what());
    }
    QTableWidget table(1, 1);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, writeTableCsv(target + ".csv", &table));
  }
  void badTargetFromTheGuiOpensABoxNotACrash() {
    std::unique_ptr<MetricPlot> plot(samplePlot());
    ExportRequest r;
    r.basePath = blocker() + "/fig";
    QVERIFY(!plot->exportTo(r));
    const QString text = errorBoxText(plot.get());
    QVERIFY2(text.contains(blocker()) && text.contains("Not a directory"), qPrintable(text));
    r.basePath = dir_.path() + "/fine/fig";  // and the plot goes on working
    QVERIFY(plot->exportTo(r));
    QVERIFY(QFileInfo::exists(r.basePath + ".pdf"));
    // A format that cannot be written where the folder exists: the file is named.
    QDir().mkpath(dir_.path() + "/taken.pdf");
    r.basePath = dir_.path() + "/taken";
    QVERIFY(!plot->exportTo(r));
    QVERIFY(errorBoxText(plot.get()).contains("taken.pdf"));
  }
  void exportDialogRefusesAFolderItCannotCreate() {
    ExportDialog dialog("Loss");
    dialog.show();
    dialog.setBasePath(blocker() + "/sub/fig");
    dialog.accept();
    QVERIFY(dialog.isVisible());  // stays open for another choice
    QVERIFY(dialog.result() != QDialog::Accepted);
    QVERIFY(errorBoxText(&dialog).contains("Not a directory"));
    dialog.setBasePath(dir_.path() + "/made/by/dialog/fig");
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(QFileInfo(dir_.path() + "/made/by/dialog").isDir());
    QCOMPARE(dialog.request().basePath, dir_.path() + "/made/by/dialog/fig");
  }
  void csvHasRawAndSmoothed() {
    QFile f(dir_.path() + "/fig.csv");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto csv = f.readAll();
    QVERIFY(csv.startsWith("series,x,y\n"));
    QVERIFY(csv.contains("run 1 valid (raw),50,0.98"));
    QCOMPARE(csv.count('\n'), 101);
  }
  void millionPointsStayResponsive() {
    // A million-point curve: the first fill smooths every point once; the graphs hold an M4
    // decimation of the visible range (a few points per pixel column), redone on each zoom.
    MetricPlot plot("Loss", "step", "loss");
    plot.resize(900, 500);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    const int s = plot.addSeries("#1 a long run");
    QVector<double> x(1000000), y(1000000);
    for (int i = 0; i < x.size(); ++i) x[i] = i, y[i] = 1.0 / (1 + i * 1e-4) + 0.05 * std::sin(i * 0.37);
    ResponsivenessProbe probe;
    plot.setData(s, x, y);
    QTest::qWait(200);
    const double fill = probe.maxBlockedMs();
    probe.reset();
    auto* axis = plot.plot()->xAxis;
    for (int k = 0; k < 20; ++k) {  // zoom in step by step, as a wheel would
      axis->scaleRange(0.8, axis->range().center());
      plot.plot()->replot();
      QTest::qWait(15);
    }
    const double zoom = probe.maxBlockedMs();
    qInfo() << "1e6 points: first fill blocked the GUI" << fill << "ms; zooming" << zoom << "ms at most";
    QCOMPARE(plot.pointCount(), 1000000);
    QCOMPARE(plot.description().series.front().x.size(), size_t(1000000));  // exports write them all
    QVERIFY2(plot.plot()->graph(1)->dataCount() < 8000, qPrintable(QString::number(plot.plot()->graph(1)->dataCount())));
  }
};

QTEST_MAIN(TestPlotExport)
#include "tst_plot_export.moc"
