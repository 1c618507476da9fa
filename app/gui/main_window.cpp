#include "main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <cmath>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QPushButton>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QtConcurrent>

#include "designer_widget.h"
#include "privacy_panel.h"
#include "export_dialog.h"
#include "responsiveness_probe.h"
#include "run_browser.h"
#include "run_inspector.h"
#include "distillation_view.h"
#include "fairness_view.h"
#include "federated_view.h"
#include "tradeoff_view.h"
#include "training_view.h"
#include "training_worker.h"
#include "data/dataset_registry.h"
#include "experiment/partition_preview.h"
#include "audits/audit.h"
#include "audits/fairness_audit.h"
#include "plugins/plugin_loader.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

MainWindow::MainWindow(const QString& storePath, QWidget* parent)
    : QMainWindow(parent),
      storePath_(storePath),
      designer_(new DesignerWidget),
      training_(new TrainingView),
      browser_(new RunBrowser),
      inspector_(new RunInspector),
      privacy_(new PrivacyPanel),
      tradeoff_(new TradeoffView),
      federated_(new FederatedView),
      fairness_(new FairnessView),
      distillation_(new DistillationView),
      fairnessTabs_(new QTabWidget),
      federatedRefresh_(new QTimer(this)),
      probe_(new ResponsivenessProbe(this)),
      worker_(new TrainingWorker) {
  setWindowTitle(tr("TrustLab"));
  setWindowIcon(QIcon(":/icons/trustlab.svg"));
  auto* tabs = new QTabWidget(this);
  tabs->addTab(training_, tr("Training"));
  tabs->addTab(privacy_, tr("Privacy"));
  tabs->addTab(tradeoff_, tr("Tradeoff"));
  tabs->addTab(federated_, tr("Federated"));
  fairnessTabs_->addTab(fairness_, tr("Classifier audit"));
  fairnessTabs_->addTab(distillation_, tr("Distillation"));
  tabs->addTab(fairnessTabs_, tr("Fairness"));
  tradeoff_->setStorePath(storePath_);
  distillation_->setStorePath(storePath_);
  connect(distillation_, &DistillationView::runFinished, this, [this](bool, const QString& message) {
    statusBar()->showMessage(message, 15000);
    browser_->refresh();
  });
  connect(tradeoff_, &TradeoffView::newSweepRequested, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("New sweep spec"), "sweep.json", tr("Sweep spec (*.json)"));
    if (!path.isEmpty()) tradeoff_->createSweep(designer_->spec(), path);
  });
  setCentralWidget(tabs);

  auto* scroll = new QScrollArea;
  scroll->setWidget(designer_);
  scroll->setWidgetResizable(true);
  auto dock = [this](const QString& title, QWidget* w, Qt::DockWidgetArea area, const char* name) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(name);
    d->setWidget(w);
    addDockWidget(area, d);
    return d;
  };
  dock(tr("Experiment"), scroll, Qt::LeftDockWidgetArea, "experimentDock");
  dock(tr("Runs"), browser_, Qt::BottomDockWidgetArea, "runsDock");
  dock(tr("Inspector"), inspector_, Qt::RightDockWidgetArea, "inspectorDock");

  worker_->moveToThread(&workerThread_);
  connect(&workerThread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(this, &MainWindow::startRun, worker_, &TrainingWorker::run);
  connect(worker_, &TrainingWorker::metricLogged, training_, &TrainingView::addMetric);
  // A federated run also fills the Federated tab, redrawn at most twice a second.
  federatedRefresh_->setSingleShot(true);
  federatedRefresh_->setInterval(500);
  connect(federatedRefresh_, &QTimer::timeout, this, [this] { federated_->showRuns({liveRun_}, storePath_); });
  connect(worker_, &TrainingWorker::metricLogged, this, [this](qlonglong runId, const QString& key) {
    if (key != "fl/simulated_seconds") return;
    liveRun_ = runId;
    if (!federatedRefresh_->isActive()) federatedRefresh_->start();
  });
  connect(worker_, &TrainingWorker::progress, training_, &TrainingView::setProgress);
  connect(worker_, &TrainingWorker::message, training_, &TrainingView::setStatus);
  connect(worker_, &TrainingWorker::runStarted, browser_, &RunBrowser::refresh);
  connect(worker_, &TrainingWorker::finished, this, &MainWindow::onFinished);
  connect(worker_, &TrainingWorker::failed, this, &MainWindow::onFailed);
  workerThread_.start();

  connect(privacy_, &PrivacyPanel::applyRequested, this,
          [this](long batch, double epochs, double sigma, double eps, double delta) {
            auto spec = designer_->spec();
            spec.training.batchSize = batch;
            spec.training.epochs = std::max(1, int(std::ceil(epochs)));
            auto& p = spec.training.privacy;
            p.enable();
            p.targetEpsilon = eps;
            p.noiseMultiplier = sigma;
            p.delta = delta;
            designer_->setSpec(spec);
            statusBar()->showMessage(tr("Applied: eDP-SGD to ε = %1 at δ = %2 (σ ≈ %3), batch size %4, %5 epochs")
                                         .arg(eps).arg(delta).arg(sigma, 0, 'f', 4).arg(batch).arg(spec.training.epochs),
                                     10000);
          });
  connect(designer_, &DesignerWidget::startRequested, this, &MainWindow::startExperiment);
  connect(designer_, &DesignerWidget::stopRequested, this, &MainWindow::stopExperiment);
  connect(browser_, &RunBrowser::overlayRequested, this, [this](const QList<qlonglong>& ids) {
    if (running_ || ids.isEmpty()) return;
    try {
      training_->showStoredRuns(ids, storePath_);
      federated_->showRuns(ids, storePath_);
    } catch (const std::exception& e) {
      statusBar()->showMessage(QString::fromStdString(e.what()));
    }
  });
  connect(browser_, &RunBrowser::auditRequested, this, &MainWindow::auditRun);
  connect(&auditWatcher_, &QFutureWatcher<AuditJob>::finished, this, [this] {
    const auto job = auditWatcher_.result();
    inspector_->showRun(auditedRun_, storePath_);
    browser_->refresh();
    // A report a view draws goes there; every other audit reads as its summary.
    if (const auto* report = std::any_cast<ClassifierFairnessReport>(&job.outcome.report)) {
      fairness_->showReport(auditedRun_, *report);
      static_cast<QTabWidget*>(centralWidget())->setCurrentWidget(fairnessTabs_);
      fairnessTabs_->setCurrentWidget(fairness_);
      const QString text = tr("Fairness of run %1: %2 test examples, %3 counterfactual pairs (Fairness tab)")
                               .arg(auditedRun_).arg(report->examples).arg(report->counterfactualPairs);
      statusBar()->showMessage(text, 30000);
      Q_EMIT auditFinished(auditedRun_, text);
      return;
    }
    const QString text = job.error.isEmpty() ? QString::fromStdString(job.outcome.summary)
                                             : tr("The audit failed: %1").arg(job.error);
    statusBar()->showMessage(text.section('\n', 0, 1).simplified(), 30000);
    auto* box = new QMessageBox(QMessageBox::Information, tr("Audit of run %1").arg(auditedRun_), text,
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();  // not modal to the app: training and sweeps go on
    Q_EMIT auditFinished(auditedRun_, text);
  });
  connect(federated_, &FederatedView::previewRequested, this, &MainWindow::previewPartition);
  connect(&previewWatcher_, &QFutureWatcher<PartitionPreviewResult>::finished, this, [this] {
    const auto r = previewWatcher_.result();
    federated_->previewButton()->setEnabled(true);
    if (r.error.isEmpty()) federated_->showPartition(r.description, r.stats);
    const QString text = r.error.isEmpty() ? federated_->summary()->text() : tr("Preview failed: %1").arg(r.error);
    statusBar()->showMessage(text, 15000);
    Q_EMIT partitionPreviewed(text);
  });
  connect(browser_, &RunBrowser::currentRunChanged, this, [this](qlonglong id) { inspector_->showRun(id, storePath_); });
  connect(browser_, &RunBrowser::errorOccurred, this, [this](const QString& m) { statusBar()->showMessage(m); });

  auto* storeLabel = new QLabel(tr("Store: %1").arg(storePath_));
  statusBar()->addPermanentWidget(storeLabel);
  auto* blocked = new QLabel;
  blocked->setToolTip(tr("Longest time the GUI thread was blocked since the current run started"));
  statusBar()->addPermanentWidget(blocked);
  auto* blockedTimer = new QTimer(this);
  connect(blockedTimer, &QTimer::timeout, this,
          [this, blocked] { blocked->setText(tr("GUI max block %1 ms").arg(probe_->maxBlockedMs(), 0, 'f', 1)); });
  blockedTimer->start(500);

  buildMenus();
  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  const QString lastSpec = settings.value("designer/spec").toString();
  if (!lastSpec.isEmpty()) {
    try {
      designer_->setSpec(ExperimentSpec::fromJson(lastSpec.toStdString(), "saved settings"));
    } catch (const std::exception&) {
      // An old or hand-edited setting: keep the defaults.
    }
  }
  browser_->setStorePath(storePath_);
  const auto& plugins = loadPlugins();
  if (const auto skipped = std::count_if(plugins.begin(), plugins.end(), [](const auto& p) { return !p.ok(); }))
    statusBar()->showMessage(tr("%n plugin(s) could not be loaded (Help → Plugins says why)", "", int(skipped)));
}

MainWindow::~MainWindow() {
  worker_->requestStop();
  workerThread_.quit();
  workerThread_.wait();
  auditWatcher_.waitForFinished();  // an audit writes to the store: let it finish
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open spec…"), QKeySequence::Open, this, &MainWindow::openSpec);
  file->addAction(tr("&Save spec…"), QKeySequence::Save, this, &MainWindow::saveSpec);
  file->addAction(tr("Open run &store…"), this, &MainWindow::openStore);
  file->addAction(tr("&Export plots…"), this, &MainWindow::exportPlots);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  auto* run = menuBar()->addMenu(tr("&Run"));
  run->addAction(tr("&Start"), QKeySequence(Qt::CTRL | Qt::Key_R), this, [this] {
    if (designer_->isValid()) startExperiment(designer_->spec());
  });
  run->addAction(tr("S&top"), QKeySequence(Qt::CTRL | Qt::Key_Period), this, &MainWindow::stopExperiment);
  auto* view = menuBar()->addMenu(tr("&View"));
  for (auto* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());
  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Plugins…"), this, [this] { QMessageBox::information(this, tr("Plugins"), pluginsText()); });
  help->addAction(tr("&About TrustLab"), this, [this] {
    QMessageBox::about(this, tr("About TrustLab"),
                       tr("<b>TrustLab %1</b><br>A workbench for trustworthy NLU experiments: private, federated and "
                          "fair training, with every run stored and reproducible.")
                           .arg(QApplication::applicationVersion()));
  });
}

QString MainWindow::pluginsText() {
  QString html = tr("<p>Searched, in order: %1</p>")
                     .arg(QString::fromStdString(joinNames(pluginSearchPath(), ", ")).toHtmlEscaped());
  const auto& plugins = loadPlugins();
  if (plugins.empty()) html += tr("<p>No plugins found.</p>");
  for (const auto& p : plugins) {
    const auto file = QString::fromStdString(p.file).toHtmlEscaped();
    if (!p.ok()) {
      html += tr("<p><b>Skipped</b> %1<br>%2</p>").arg(file, QString::fromStdString(p.error).toHtmlEscaped());
      continue;
    }
    html += QString("<p><b>%1</b> — %2<br><small>%3</small><br>%4</p>")
                .arg(QString::fromStdString(p.name).toHtmlEscaped(), QString::fromStdString(p.description).toHtmlEscaped(),
                     file, tr("adds %1").arg(QString::fromStdString(joinNames(p.added, ", ")).toHtmlEscaped()));
  }
  return html;
}

void MainWindow::startExperiment(const ExperimentSpec& spec) {
  if (running_) return;
  running_ = true;
  designer_->setRunning(true);
  training_->beginLiveRun();
  probe_->reset();
  QSettings().setValue("designer/spec", QString::fromStdString(spec.toJson()));
  Q_EMIT startRun(QString::fromStdString(spec.toJson()), storePath_);
}

void MainWindow::stopExperiment() {
  if (running_) {
    worker_->requestStop();
    training_->setStatus(tr("Stopping after the current step…"));
  }
}

void MainWindow::onFinished(qlonglong runId, const QString& status, double testAccuracy, double testMacroF1, double seconds) {
  running_ = false;
  designer_->setRunning(false);
  browser_->refresh();
  browser_->selectRuns({runId});
  inspector_->showRun(runId, storePath_);
  if (runId == liveRun_) federated_->showRuns({runId}, storePath_);
  training_->setStatus(status == "finished"
                           ? tr("Run %1 finished in %2 s: test accuracy %3, macro-F1 %4")
                                 .arg(runId).arg(seconds, 0, 'f', 1).arg(testAccuracy, 0, 'f', 4).arg(testMacroF1, 0, 'f', 4)
                           : tr("Run %1 stopped after %2 s (kept in the store as killed)").arg(runId).arg(seconds, 0, 'f', 1));
  Q_EMIT runFinished(runId, status, testAccuracy);
}

void MainWindow::onFailed(const QString& error, bool badInput) {
  running_ = false;
  designer_->setRunning(false);
  browser_->refresh();
  training_->setStatus((badInput ? tr("Bad input: %1") : tr("Run failed: %1")).arg(error));
  Q_EMIT runFailed(error);
  if (isVisible() && QApplication::platformName() != "offscreen")
    QMessageBox::warning(this, badInput ? tr("Bad input") : tr("Run failed"), error);
}

void MainWindow::openSpec() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment spec"), {}, tr("Spec (*.json)"));
  if (path.isEmpty()) return;
  try {
    designer_->setSpec(ExperimentSpec::fromFile(path.toStdString()));
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Cannot open spec"), e.what());
  }
}

void MainWindow::saveSpec() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save experiment spec"), "experiment.json", tr("Spec (*.json)"));
  if (path.isEmpty()) return;
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly) || f.write(QByteArray::fromStdString(designer_->spec().toJson() + "\n")) < 0)
    QMessageBox::warning(this, tr("Cannot save spec"), f.errorString());
}

void MainWindow::openStore() {
  if (running_) return;
  const QString path = QFileDialog::getOpenFileName(this, tr("Open run store"), storePath_, tr("Run store (*.sqlite *.db)"));
  if (path.isEmpty()) return;
  storePath_ = path;
  browser_->setStorePath(path);
  tradeoff_->setStorePath(path);
  distillation_->setStorePath(path);
}

void MainWindow::exportPlots() {
  // The plots of the tab in view (the Training tab's otherwise).
  const QWidget* tab = static_cast<QTabWidget*>(centralWidget())->currentWidget();
  const QWidget* current = tab == fairnessTabs_ ? fairnessTabs_->currentWidget() : tab;
  ExportDialog dialog(current == federated_     ? tr("federated")
                      : current == fairness_    ? tr("fairness")
                      : current == distillation_ ? tr("distillation")
                                                 : tr("training"),
                      this);
  if (dialog.exec() != QDialog::Accepted) return;
  const auto r = dialog.request();
  try {
    const auto files = current == federated_ ? federated_->exportAll(r.basePath, r.widthPt, r.heightPt)
                       : current == fairness_ ? fairness_->exportAll(r.basePath, r.widthPt, r.heightPt)
                       : current == distillation_ ? distillation_->exportAll(r.basePath, r.widthPt, r.heightPt)
                                              : training_->exportAll(r.basePath, r.widthPt, r.heightPt);
    statusBar()->showMessage(tr("Exported %n file(s) to %1", nullptr, int(files.size())).arg(r.basePath), 8000);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Export failed"), e.what());
  }
}

void MainWindow::previewPartition() {
  if (previewWatcher_.isRunning()) return;
  auto spec = designer_->spec();
  spec.federated.enabled = true;  // preview what the Federated group describes, ticked or not
  federated_->previewButton()->setEnabled(false);
  statusBar()->showMessage(tr("Partitioning %1…").arg(QString::fromStdString(spec.data.dataset)));
  previewWatcher_.setFuture(QtConcurrent::run([spec]() -> PartitionPreviewResult {
    PartitionPreviewResult r;
    r.description = QString::fromStdString(spec.data.dataset + " (" + spec.federated.partition + ")");
    try {
      r.stats = trustlab::previewPartition(spec);
    } catch (const std::exception& e) {
      r.error = QString::fromStdString(e.what());
    }
    return r;
  }));
}

void MainWindow::auditRun(qlonglong runId, const QString& kind) {
  if (auditWatcher_.isRunning()) {
    statusBar()->showMessage(tr("An audit is already running (run %1)").arg(auditedRun_), 5000);
    return;
  }
  // "audit" or "audit:argument" (the attack, the test file).
  const std::string name = kind.section(':', 0, 0).toStdString();
  std::string argument = kind.section(':', 1, -1).toStdString();
  const Audit* audit = auditRegistry().find(name);
  if (!audit) {
    statusBar()->showMessage(QString::fromStdString(auditRegistry().unknownMessage(name)), 8000);
    return;
  }
  if (audit->argument.kind == AuditArgument::File && argument.empty() && !audit->argument.defaultValue) {
    const QString root = QString::fromStdString(dataRoot());
    argument = QFileDialog::getOpenFileName(this, QString::fromStdString(audit->argument.help),
                                            root.isEmpty() ? QString() : root + '/' + QString::fromStdString(audit->argument.dataFolder),
                                            QString::fromStdString(audit->argument.fileFilter))
                   .toStdString();
    if (argument.empty()) return;
  }
  auditedRun_ = runId;
  statusBar()->showMessage(tr("Auditing run %1 (%2)…").arg(runId).arg(kind));
  const std::string store = storePath_.toStdString();
  auditWatcher_.setFuture(QtConcurrent::run([store, runId, name, argument]() -> AuditJob {
    AuditJob job;
    try {
      RunStore s(store);
      AuditRequest request;
      request.argument = argument;
      job.outcome = runAudit(s, runId, loadRunForAudit(s, runId), name, request);
    } catch (const std::exception& e) {
      job.error = QString::fromStdString(e.what());
    }
    return job;
  }));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (running_) worker_->requestStop();
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  settings.setValue("designer/spec", QString::fromStdString(designer_->spec().toJson()));
  event->accept();
}

}  // namespace trustlab
