// trustlab: the GUI. `trustlab --spec FILE --start` opens the window and starts the experiment;
// `trustlab --headless --report DIR` runs the same experiment without a display (offscreen
// platform) and writes the plots (PDF/SVG/PNG/CSV/pgfplots), a screenshot and report.md to DIR.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QScreen>
#include <QTextStream>
#include <QTimer>
#include <cstdio>

#include "designer_widget.h"
#include "guarded_application.h"
#include "store/run_store.h"
#include "main_window.h"
#include "plugins/plugin_loader.h"
#include "responsiveness_probe.h"
#include "training_view.h"
#include "trustlab_build_info.h"
#include "util/runtime.h"

namespace {

bool wantsHeadless(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (QByteArray(argv[i]) == "--headless") return true;
  return false;
}

trustlab::ExperimentSpec defaultSpec() {
  QFile f(":/experiments/default.json");
  f.open(QIODevice::ReadOnly);
  return trustlab::ExperimentSpec::fromJson(f.readAll().toStdString(), ":/experiments/default.json");
}

void writeReport(const QString& dir, trustlab::MainWindow& w, qlonglong runId, const QString& status,
                 const QStringList& files) {
  QFile f(dir + "/report.md");
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return;
  QTextStream out(&f);
  const trustlab::RunStore store(w.storePath().toStdString(), true);
  const auto run = store.run(runId);
  out << "# TrustLab report: run " << runId << " (" << status << ")\n\n";
  if (run) {
    out << "| metric | value |\n|---|---|\n";
    for (const auto& [k, v] : run->latestMetrics) out << "| " << QString::fromStdString(k) << " | " << v << " |\n";
    out << "\nStore: `" << w.storePath() << "`  \nSpec SHA-256: `" << QString::fromStdString(run->specSha256)
        << "`  \nLibTorch " << QString::fromStdString(run->repro.libtorchVersion) << ", Qt " << qVersion()
        << ", host " << QString::fromStdString(run->repro.host) << "\n\n## Spec\n\n```json\n"
        << QString::fromStdString(run->specJson) << "\n```\n";
  }
  out << "\n## Files\n\n";
  for (const auto& file : files) out << "- " << QFileInfo(file).fileName() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  trustlab::reportFileSizeLimitAsError();
  const bool headless = wantsHeadless(argc, argv);
  if (headless) qputenv("QT_QPA_PLATFORM", "offscreen");
  trustlab::GuardedApplication app(argc, argv);
  QApplication::setApplicationName("TrustLab");
  QApplication::setOrganizationName("TrustLab");
  QApplication::setApplicationVersion(TRUSTLAB_VERSION_STRING);

  QCommandLineParser parser;
  parser.setApplicationDescription("TrustLab: trustworthy NLU experiments");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addOption({"spec", "Experiment spec to load (default: the built-in default experiment).", "file"});
  parser.addOption({"start", "Start the experiment at once."});
  parser.addOption({"store", "Run store (SQLite) to use.", "file", QString::fromStdString(trustlab::defaultStorePath())});
  parser.addOption({"headless", "Run the experiment without a display and write a report (implies --start)."});
  parser.addOption({"report", "Folder for the headless report and plots.", "dir", "trustlab-report"});
  parser.process(app);

  trustlab::configureThreads();
  // Before any registry is read: the designer's choices include what plugins add. Help → Plugins
  // lists them and says why any was skipped.
  trustlab::loadPluginsWarningOnStderr("trustlab");

  trustlab::ExperimentSpec spec;
  try {
    spec = parser.isSet("spec") ? trustlab::ExperimentSpec::fromFile(parser.value("spec").toStdString()) : defaultSpec();
    spec.requireValid(parser.isSet("spec") ? parser.value("spec").toStdString() : "default spec");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trustlab: error: %s\n", e.what());
    return 2;
  }

  trustlab::MainWindow window(parser.value("store"));
  window.designer()->refreshChoices();
  window.designer()->setSpec(spec);
  window.resize(1400, 900);
  window.show();

  int exitCode = 0;
  if (headless) {
    const QString dir = QDir(parser.value("report")).absolutePath();
    QDir().mkpath(dir);
    // `dir` is captured by value: this block ends long before the run does.
    QObject::connect(&window, &trustlab::MainWindow::runFinished, &app,
                     [&, dir](qlonglong runId, const QString& status, double testAccuracy) {
                       QStringList files;
                       try {
                         // Single-column figure: 8.5 cm × 6 cm in PostScript points.
                         files = window.trainingView()->exportAll(dir + "/training", 8.5 / 2.54 * 72, 6.0 / 2.54 * 72);
                       } catch (const std::exception& e) {
                         std::fprintf(stderr, "trustlab: export failed: %s\n", e.what());
                         exitCode = 1;
                       }
                       window.grab().save(dir + "/window.png");
                       files << dir + "/window.png";
                       writeReport(dir, window, runId, status, files);
                       std::printf("run %lld %s: test accuracy %.4f\nreport: %s/report.md\nplots: %s\n", runId,
                                   qPrintable(status), testAccuracy, qPrintable(dir), qPrintable(files.join(", ")));
                       app.quit();
                     });
    QObject::connect(&window, &trustlab::MainWindow::runFailed, &app, [&](const QString& error) {
      std::fprintf(stderr, "trustlab: run failed: %s\n", qPrintable(error));
      exitCode = 1;
      app.quit();
    });
  }
  if (headless || parser.isSet("start")) QTimer::singleShot(0, &window, [&] { window.startExperiment(spec); });
  const int rc = app.exec();
  return exitCode ? exitCode : rc;
}
