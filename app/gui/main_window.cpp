#include "main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <cmath>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QInputDialog>
#include <QThread>
#include <QLabel>
#include <QPushButton>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QToolBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QtConcurrent>

#include "compare_view.h"
#include "inspect_view.h"
#include "sweep_editor.h"
#include "designer_widget.h"
#include "privacy_panel.h"
#include "audit_settings_dialog.h"
#include "audits/membership_audit.h"
#include "cli_helpers.h"
#include "util/runtime.h"
#include "message_box.h"
#include "metric_plot.h"
#include "responsiveness_probe.h"
#include "run_browser.h"
#include "run_inspector.h"
#include "distillation_view.h"
#include "fairness_view.h"
#include "federated_view.h"
#include "studies_view.h"
#include "tradeoff_view.h"
#include "training_view.h"
#include "training_worker.h"
#include "data/dataset_registry.h"
#include "experiment/partition_preview.h"
#include "experiment/runner.h"
#include "interop/mlflow_export.h"
#include "interop/run_report.h"
#include "interop/tensorboard_export.h"
#include "spec/run_name.h"
#include "audits/audit.h"
#include "audits/fairness_audit.h"
#include "plugins/plugin_loader.h"
#include "store/run_store.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

MainWindow::MainWindow(const QString& storePath, QWidget* parent)
    : QMainWindow(parent),
      storePath_(storePath),
      tabs_(new QTabWidget),
      centre_(new QSplitter(Qt::Vertical)),
      runsSplitter_(new QSplitter(Qt::Horizontal)),
      startReason_(new QLabel),
      storeLabel_(new QLabel),
      designer_(new DesignerWidget),
      training_(new TrainingView),
      browser_(new RunBrowser),
      inspector_(new RunInspector),
      privacy_(new PrivacyPanel),
      tradeoff_(new TradeoffView),
      federated_(new FederatedView),
      fairness_(new FairnessView),
      distillation_(new DistillationView),
      compare_(new CompareView),
      inspect_(new InspectView),
      studies_(new StudiesView),
      fairnessTabs_(new QTabWidget),
      federatedRefresh_(new QTimer(this)),
      probe_(new ResponsivenessProbe(this)),
      worker_(new TrainingWorker),
      workloadTimer_(new QTimer(this)) {
  setWindowTitle(tr("TrustLab"));
  setWindowIcon(QIcon(":/icons/trustlab.svg"));
  tabs_->addTab(training_, tr("Training"));
  tabs_->addTab(privacy_, tr("Privacy"));
  tabs_->addTab(tradeoff_, tr("Tradeoff"));
  tabs_->addTab(compare_, tr("Compare"));
  tabs_->addTab(federated_, tr("Federated"));
  fairnessTabs_->addTab(fairness_, tr("Classifier audit"));
  fairnessTabs_->addTab(distillation_, tr("Distillation"));
  tabs_->addTab(fairnessTabs_, tr("Fairness"));
  tabs_->addTab(inspect_, tr("Inspect"));
  tabs_->addTab(studies_, tr("Studies"));
  tradeoff_->setStorePath(storePath_);
  studies_->setStorePath(storePath_);
  connect(studies_, &StudiesView::runsChanged, browser_, &RunBrowser::refresh);
  distillation_->setStorePath(storePath_);
  connect(distillation_, &DistillationView::runFinished, this, [this](bool, const QString& message) {
    statusBar()->showMessage(message, 15000);
    browser_->refresh();
  });
  connect(tradeoff_, &TradeoffView::newSweepRequested, this, [this] {
    SweepEditor editor(designer_->spec(), this);
    if (editor.exec() != QDialog::Accepted) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save sweep spec"), editor.nameEdit()->text() + ".json",
                                                      tr("Sweep spec (*.json)"));
    if (path.isEmpty()) return;
    try {
      tradeoff_->saveSweep(editor.sweep(), path);
    } catch (const std::exception& e) {
      showError(this, tr("New sweep"), QString::fromStdString(e.what()));
    }
  });

  // The run table is a view of its own, not a strip under the plots: the tabs and the runs share
  // the height (drag the handle; View → Runs table only gives it all), the inspector sits beside
  // the runs it describes.
  runsSplitter_->addWidget(browser_);
  runsSplitter_->addWidget(inspector_);
  runsSplitter_->setStretchFactor(0, 3);
  runsSplitter_->setStretchFactor(1, 2);
  runsSplitter_->setChildrenCollapsible(false);
  centre_->addWidget(tabs_);
  centre_->addWidget(runsSplitter_);
  centre_->setStretchFactor(0, 3);
  centre_->setStretchFactor(1, 2);
  centre_->setCollapsible(1, false);
  centre_->setObjectName("centreSplitter");
  runsSplitter_->setObjectName("runsSplitter");
  setCentralWidget(centre_);

  auto* scroll = new QScrollArea;
  scroll->setWidget(designer_);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  // Wide enough for a label beside its field; never the ~60 px sliver a small window used to leave.
  scroll->setMinimumWidth(designer_->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4);
  auto* experimentDock = new QDockWidget(tr("Experiment"), this);
  experimentDock->setObjectName("experimentDock");
  experimentDock->setWidget(scroll);
  // Movable and floatable, not closable: no close button where one grabs the dock (View hides it).
  experimentDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::LeftDockWidgetArea, experimentDock);

  worker_->moveToThread(&workerThread_);
  connect(&workerThread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(this, &MainWindow::startRun, worker_, &TrainingWorker::run);
  connect(this, &MainWindow::resumeRun, worker_, &TrainingWorker::resume);
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
  connect(designer_, &DesignerWidget::specChanged, this, &MainWindow::updateRunActions);
  workloadTimer_->setSingleShot(true);
  workloadTimer_->setInterval(300);
  connect(designer_, &DesignerWidget::specChanged, workloadTimer_, qOverload<>(&QTimer::start));
  connect(workloadTimer_, &QTimer::timeout, this, &MainWindow::followExperimentInPrivacyTab);
  connect(&sizeWatcher_, &QFutureWatcher<DatasetSize>::finished, this, [this] {
    sized_ = sizeWatcher_.result();
    followExperimentInPrivacyTab();
  });
  connect(browser_, &RunBrowser::overlayRequested, this, [this](const QList<qlonglong>& ids) {
    if (running_ || ids.isEmpty()) return;
    try {
      training_->showStoredRuns(ids, storePath_);
      federated_->showRuns(ids, storePath_);
      compare_->showRuns(ids, storePath_);
    } catch (const std::exception& e) {
      showError(this, tr("Cannot show the runs"), QString::fromStdString(e.what()));
    }
  });
  connect(browser_, &RunBrowser::compareRequested, this, [this](const QList<qlonglong>& ids) {
    try {
      compare_->showRuns(ids, storePath_);
      tabs_->setCurrentWidget(compare_);
    } catch (const std::exception& e) {
      showError(this, tr("Cannot compare the runs"), QString::fromStdString(e.what()));
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
      tabs_->setCurrentWidget(fairnessTabs_);
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
    if (job.error.isEmpty()) showInfo(this, tr("Audit of run %1").arg(auditedRun_), text);
    else showError(this, tr("Audit of run %1").arg(auditedRun_), text);
    Q_EMIT auditFinished(auditedRun_, text);
  });
  connect(federated_, &FederatedView::previewRequested, this, &MainWindow::previewPartition);
  connect(&previewWatcher_, &QFutureWatcher<PartitionPreviewResult>::finished, this, [this] {
    const auto r = previewWatcher_.result();
    federated_->previewButton()->setEnabled(true);
    if (r.error.isEmpty()) federated_->showPartition(r.description, r.stats);
    const QString text = r.error.isEmpty() ? federated_->summary()->text() : tr("Preview failed: %1").arg(r.error);
    if (r.error.isEmpty()) statusBar()->showMessage(text, 15000);
    else showError(this, tr("Partition preview"), text);
    Q_EMIT partitionPreviewed(text);
  });
  connect(browser_, &RunBrowser::currentRunChanged, this, [this](qlonglong id) {
    inspector_->showRun(id, storePath_);
    if (tabs_->currentWidget() == inspect_) inspect_->setRun(id, storePath_);
    updateRunActions();
  });
  // The Inspect tab loads a model only when looked at.
  connect(tabs_, &QTabWidget::currentChanged, this, [this] {
    const auto selected = browser_->selectedRunIds();
    if (tabs_->currentWidget() == inspect_ && selected.size() == 1) inspect_->setRun(selected.front(), storePath_);
  });
  connect(browser_, &RunBrowser::errorOccurred, this, [this](const QString& m) { showError(this, tr("Run store"), m); });

  storeLabel_->setText(tr("Store: %1").arg(storePath_));
  storeLabel_->setToolTip(storePath_);
  statusBar()->addPermanentWidget(storeLabel_);

  buildToolBar();
  buildMenus();
  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  if (!centre_->restoreState(settings.value("window/centre").toByteArray())) centre_->setSizes({600, 400});
  if (!runsSplitter_->restoreState(settings.value("window/runs").toByteArray())) runsSplitter_->setSizes({600, 400});
  const QString lastSpec = settings.value("designer/spec").toString();
  if (!lastSpec.isEmpty()) {
    try {
      designer_->setSpec(ExperimentSpec::fromJson(lastSpec.toStdString(), "saved settings"));
    } catch (const std::exception&) {
      // An old or hand-edited setting: keep the defaults.
    }
  }
  updateRunActions();
  followExperimentInPrivacyTab();
  browser_->setStorePath(storePath_);
  const auto& plugins = loadPlugins();
  if (const auto skipped = std::count_if(plugins.begin(), plugins.end(), [](const auto& p) { return !p.ok(); }))
    statusBar()->showMessage(tr("%n plugin(s) could not be loaded (Help → Plugins says why)", "", int(skipped)), 30000);
}

MainWindow::~MainWindow() {
  worker_->requestStop();
  workerThread_.quit();
  workerThread_.wait();
  auditWatcher_.waitForFinished();  // an audit writes to the store: let it finish
  sizeWatcher_.waitForFinished();
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open spec…"), QKeySequence::Open, this, &MainWindow::openSpec);
  file->addAction(tr("&Save spec…"), QKeySequence::Save, this, &MainWindow::saveSpec);
  file->addAction(tr("Open run &store…"), this, &MainWindow::openStore);
  file->addAction(tr("&Export plots…"), this, &MainWindow::exportPlots);
  for (const auto format : {RunsFormat::Mlflow, RunsFormat::TensorBoard})
    file->addAction(format == RunsFormat::Mlflow ? tr("Export runs to &MLflow…") : tr("Export runs to &TensorBoard…"), this,
                    [this, format] {
                      const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the selected runs (all when none) to"));
                      if (!dir.isEmpty()) exportRuns(format, dir);
                    });
  file->addAction(tr("&Report of the selected runs…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for report.md and its figures"));
    if (!dir.isEmpty()) writeReport(dir);
  });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  auto* run = menuBar()->addMenu(tr("&Run"));
  run->addAction(startAction_);
  run->addAction(stopAction_);
  run->addAction(resumeAction_);
  auto* view = menuBar()->addMenu(tr("&View"));
  for (auto* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());
  auto* runsOnly = view->addAction(tr("&Runs table only"));
  runsOnly->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
  runsOnly->setCheckable(true);
  // The tabs fold away and come back at the height they had.
  connect(runsOnly, &QAction::toggled, this, [this, before = QList<int>()](bool on) mutable {
    if (on) before = centre_->sizes();
    tabs_->setVisible(!on);
    if (!on && before.size() == 2) centre_->setSizes(before);
  });
  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Plugins…"), this, [this] { QMessageBox::information(this, tr("Plugins"), pluginsText()); });
  help->addAction(tr("&About TrustLab"), this, [this] {
    QMessageBox::about(this, tr("About TrustLab"),
                       tr("<b>TrustLab %1</b><br>A workbench for trustworthy NLU experiments: private, federated and "
                          "fair training, with every run stored and reproducible.")
                           .arg(QApplication::applicationVersion()));
  });
}

void MainWindow::buildToolBar() {
  auto* bar = addToolBar(tr("Run"));
  bar->setObjectName("runToolBar");
  bar->setMovable(false);
  bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  startAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Start"), this);
  startAction_->setObjectName("startAction");
  startAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  stopAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaStop), tr("S&top"), this);
  stopAction_->setObjectName("stopAction");
  stopAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
  resumeAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaSeekForward), tr("Res&ume"), this);
  resumeAction_->setObjectName("resumeAction");
  connect(startAction_, &QAction::triggered, this, [this] { startExperiment(designer_->spec()); });
  connect(stopAction_, &QAction::triggered, this, &MainWindow::stopExperiment);
  connect(resumeAction_, &QAction::triggered, this, [this] {
    const auto selected = browser_->selectedRunIds();
    if (selected.size() == 1) resumeExperiment(selected.front());
  });
  bar->addAction(startAction_);
  bar->addAction(stopAction_);
  bar->addAction(resumeAction_);
  // Why Start is disabled, in the field's words, where the eye goes when it does nothing.
  startReason_->setObjectName("startReason");
  startReason_->setStyleSheet("color: #b00020; padding-left: 8px;");
  startReason_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  bar->addWidget(startReason_);
}

void MainWindow::updateRunActions() {
  const QString reason = running_ ? QString() : designer_->blockingReason();
  startAction_->setEnabled(!running_ && designer_->isValid());
  stopAction_->setEnabled(running_);
  const auto selected = browser_->selectedRunIds();
  QString whyNot = running_ ? tr("a run is in progress") : selected.size() != 1 ? tr("select one run") : QString();
  if (whyNot.isEmpty()) {
    try {
      whyNot = QString::fromStdString(whyNotResumable(RunStore(storePath_.toStdString(), true), selected.front()));
    } catch (const std::exception& e) {
      whyNot = QString::fromStdString(e.what());
    }
  }
  resumeAction_->setEnabled(whyNot.isEmpty());
  resumeAction_->setToolTip(whyNot.isEmpty() ? tr("Continue run %1 from its last saved state").arg(selected.front())
                                             : tr("Cannot resume: %1").arg(whyNot));
  startReason_->setText(reason.isEmpty() ? QString() : tr("Cannot start: %1").arg(reason));
  startReason_->setToolTip(reason);
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
  updateRunActions();
  training_->beginLiveRun(QString::fromStdString(defaultRunName(spec)));
  probe_->reset();
  QSettings().setValue("designer/spec", QString::fromStdString(spec.toJson()));
  Q_EMIT startRun(QString::fromStdString(spec.toJson()), storePath_);
}

void MainWindow::resumeExperiment(qlonglong runId) {
  if (running_) return;
  running_ = true;
  updateRunActions();
  training_->beginLiveRun(tr("run %1 (resumed)").arg(runId));
  probe_->reset();
  Q_EMIT resumeRun(runId, storePath_);
}

void MainWindow::stopExperiment() {
  if (running_) {
    worker_->requestStop();
    training_->setStatus(tr("Stopping after the current step…"));
  }
}

void MainWindow::onFinished(qlonglong runId, const QString& status, double testAccuracy, double testMacroF1, double seconds) {
  running_ = false;
  browser_->refresh();
  browser_->selectRuns({runId});
  updateRunActions();  // after selecting: Resume follows the run just stopped
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
  updateRunActions();
  browser_->refresh();
  training_->setStatus((badInput ? tr("Bad input: %1") : tr("Run failed: %1")).arg(error));
  Q_EMIT runFailed(error);
  if (isVisible() && QApplication::platformName() != "offscreen")
    showError(this, badInput ? tr("Bad input") : tr("Run failed"), error);
}

void MainWindow::openSpec() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment spec"), {}, tr("Spec (*.json)"));
  if (path.isEmpty()) return;
  try {
    designer_->setSpec(ExperimentSpec::fromFile(path.toStdString()));
  } catch (const std::exception& e) {
    showError(this, tr("Cannot open spec"), QString::fromStdString(e.what()));
  }
}

void MainWindow::saveSpec() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save experiment spec"), "experiment.json", tr("Spec (*.json)"));
  if (!path.isEmpty()) saveSpecTo(path);
}

bool MainWindow::saveSpecTo(const QString& path) {
  QFile f(path);
  const QByteArray json = QByteArray::fromStdString(designer_->spec().toJson() + "\n");
  if (f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(json) == json.size() && f.flush()) return true;
  showError(this, tr("Cannot save spec"), tr("%1: %2").arg(path, f.errorString()));
  return false;
}

void MainWindow::openStore() {
  if (running_) return;
  const QString path = QFileDialog::getOpenFileName(this, tr("Open run store"), storePath_, tr("Run store (*.sqlite *.db)"));
  if (!path.isEmpty()) switchStore(path);
}

bool MainWindow::switchStore(const QString& path) {
  if (running_) return false;
  try {
    const RunStore probe(path.toStdString(), /*readOnly=*/true);  // not a store: say so, keep the current one
  } catch (const std::exception& e) {
    showError(this, tr("Cannot open run store"), QString::fromStdString(e.what()));
    return false;
  }
  storePath_ = path;
  storeLabel_->setText(tr("Store: %1").arg(path));
  browser_->setStorePath(path);
  tradeoff_->setStorePath(path);
  studies_->setStorePath(path);
  distillation_->setStorePath(path);
  return true;
}

ExportWriter MainWindow::currentTabExport(QString* title) const {
  // The plots of the tab in view (the Training tab's otherwise).
  const QWidget* tab = tabs_->currentWidget();
  const QWidget* current = tab == fairnessTabs_ ? fairnessTabs_->currentWidget() : tab;
  const auto writer = [](auto* view) {
    return [view](const ExportRequest& r) { return view->exportAll(r.basePath, r.widthPt, r.heightPt); };
  };
  if (current == federated_) return *title = tr("federated"), ExportWriter(writer(federated_));
  if (current == fairness_) return *title = tr("fairness"), ExportWriter(writer(fairness_));
  if (current == distillation_) return *title = tr("distillation"), ExportWriter(writer(distillation_));
  if (current == tradeoff_) return *title = tr("tradeoff"), ExportWriter(writer(tradeoff_));
  if (current == compare_) return *title = tr("compare"), ExportWriter(writer(compare_));
  if (current == inspect_) return *title = tr("inspect"), ExportWriter(writer(inspect_));
  return *title = tr("training"), ExportWriter(writer(training_));
}

bool MainWindow::exportRuns(RunsFormat format, const QString& dir) {
  const auto selected = browser_->selectedRunIds();
  try {
    const RunStore store(storePath_.toStdString(), /*readOnly=*/true);
    const std::vector<long long> ids(selected.begin(), selected.end());
    const auto written = format == RunsFormat::Mlflow ? exportToMlflow(store, ids, dir.toStdString())
                                                      : exportToTensorBoard(store, ids, dir.toStdString());
    showInfo(this, tr("Export runs"),
             tr("%1 run(s), %2 metric points written to %3 (%4).")
                 .arg(written.runs.size()).arg(written.metricPoints).arg(dir)
                 .arg(format == RunsFormat::Mlflow ? tr("mlflow ui --backend-store-uri DIR") : tr("tensorboard --logdir DIR")));
    return true;
  } catch (const std::exception& e) {
    showError(this, tr("Export runs"), QString::fromStdString(e.what()));
    return false;
  }
}

bool MainWindow::writeReport(const QString& dir) {
  const auto selected = browser_->selectedRunIds();
  try {
    const RunStore store(storePath_.toStdString(), /*readOnly=*/true);
    const auto report = writeRunReport(store, {selected.begin(), selected.end()}, dir.toStdString(), {}, renderFigure);
    showInfo(this, tr("Report"), tr("Wrote %1 and %2 figure file(s).").arg(QString::fromStdString(report.markdown))
                                     .arg(report.files.size() - 1));
    return true;
  } catch (const std::exception& e) {
    showError(this, tr("Report"), QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::exportPlots() {
  QString title;
  const ExportWriter write = currentTabExport(&title);
  exportWithDialog(this, title, write);
}

bool MainWindow::exportCurrentTab(const ExportRequest& request) {
  QString title;
  return runExport(this, request, currentTabExport(&title));
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

void MainWindow::followExperimentInPrivacyTab() {
  const auto spec = designer_->spec();
  const auto& d = spec.data;
  const QString key = QString::fromStdString(d.dataset + '\n' + d.format + '\n' + d.columns.text + '\n' + d.columns.label);
  if (key != sized_.key) {  // N of another dataset: read it first (this runs again when it is known)
    if (sizeWatcher_.isRunning()) workloadTimer_->start();
    else
      sizeWatcher_.setFuture(QtConcurrent::run([key, request = DatasetRequest{d.dataset, d.format, d.columns}] {
        DatasetSize size{key};
        try {
          size.trainExamples = long(loadDataset(request).train.size());
        } catch (const std::exception& e) {
          size.error = QString::fromStdString(e.what());
        }
        return size;
      }));
    return;
  }
  privacy_->followExperiment(spec, sized_.trainExamples, QString::fromStdString(d.dataset));
  if (!sized_.error.isEmpty()) privacy_->setDatasetProblem(sized_.error);
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
    showError(this, tr("Audit"), QString::fromStdString(auditRegistry().unknownMessage(name)));
    return;
  }
  std::map<std::string, std::string> settings;
  if (!audit->settings.empty()) {
    // From the menu (no argument) the audit's form asks; a caller naming the argument runs it with
    // the settings last used.
    if (argument.empty()) {
      AuditSettingsDialog dialog(QString::fromStdString(name), kind, *audit, QString::fromStdString(dataRoot()), this);
      if (dialog.exec() != QDialog::Accepted) return;
      argument = dialog.argument();
      settings = dialog.settings();
    } else {
      settings = AuditSettingsDialog::remembered(QString::fromStdString(name), *audit);
    }
  } else if (audit->argument.kind == AuditArgument::File && argument.empty() && !audit->argument.defaultValue) {
    const QString root = QString::fromStdString(dataRoot());
    argument = QFileDialog::getOpenFileName(this, QString::fromStdString(audit->argument.help),
                                            root.isEmpty() ? QString() : root + '/' + QString::fromStdString(audit->argument.dataFolder),
                                            QString::fromStdString(audit->argument.fileFilter))
                   .toStdString();
    if (argument.empty()) return;
  }
  const bool shadows = name == kMembershipAudit && argument == "lira";
  int processes = 1;
  if (shadows) {
    QSettings remembered;
    bool ok = false;
    processes = QInputDialog::getInt(this, tr("LiRA"),
                                     tr("Processes that train the shadow models (each gets its share of the cores;\n"
                                        "shadows are kept beside the run and reused by later LiRA audits):"),
                                     remembered.value("audit/lira_processes", 1).toInt(), 1,
                                     std::max(1, QThread::idealThreadCount()), 1, &ok);
    if (!ok) return;
    remembered.setValue("audit/lira_processes", processes);
  }
  auditedRun_ = runId;
  statusBar()->showMessage(tr("Auditing run %1 (%2)…").arg(runId).arg(kind));
  const std::string store = storePath_.toStdString();
  auditWatcher_.setFuture(QtConcurrent::run([store, runId, name, argument, settings, shadows, processes]() -> AuditJob {
    AuditJob job;
    try {
      RunStore s(store);
      AuditRequest request;
      request.argument = argument;
      request.settings = settings;
      const auto run = loadRunForAudit(s, runId);
      std::unique_ptr<LocalRanks> helpers;
      if (shadows) {  // as `trustlab-cli attack mia --method lira --nproc N` does
        auto o = membershipOptions(run.spec.audit, argument);
        o.sharing.dir = keptShadowsDir(store, runId);
        o.sharing.shards = processes;
        if (processes > 1) {
          Rendezvous master;
          master.worldSize = processes;
          helpers = startCliHelpers({"attack", "mia", "--run", std::to_string(runId), "--store", store, "--method", argument},
                                    master, "LiRA processes");
          o.sharing.afterShare = [&helpers] { helpers->wait(); };
          configureThreads(threadsPerProcess(processes));
        }
        request.options = o;
      }
      job.outcome = runAudit(s, runId, run, name, request);
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
  settings.setValue("window/centre", centre_->saveState());
  settings.setValue("window/runs", runsSplitter_->saveState());
  settings.setValue("designer/spec", QString::fromStdString(designer_->spec().toJson()));
  event->accept();
}

}  // namespace trustlab
