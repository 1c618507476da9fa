// Tests the GUI end to end on the offscreen platform: a short default experiment trains live,
// the plots fill with data, the GUI thread never blocks more than 50 ms, the run appears in the
// browser, two runs overlay, and a screenshot is saved for a person to look at.
#include <QtTest>
#include <QtWidgets>
#include <qcustomplot.h>

#include "../support/names_corpus.h"
#include "../support/next_word_spec.h"
#include "designer_widget.h"
#include "spec/spec_fields.h"
#include "distillation_view.h"
#include "fairness_view.h"
#include "federated_view.h"
#include <torch/torch.h>

#include "spec/prepared_data.h"
#include "store/checkpoint.h"
#include "store/run_comparison.h"
#include "store/run_store.h"
#include "spec/run_name.h"
#include "main_window.h"
#include "studies/study.h"
#include "studies_view.h"
#include "plugins/plugin_loader.h"
#include "metric_plot.h"
#include "responsiveness_probe.h"
#include "run_browser.h"
#include "compare_view.h"
#include "inspect_view.h"
#include "run_inspector.h"
#include "run_table_model.h"
#include "plot_exporter.h"
#include "training_view.h"
#include "../support/tiny_hf_folder.h"
#include "audit_settings_dialog.h"
#include "pair_explorer.h"

using namespace trustlab;

class TestMainWindow : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<MainWindow> window_;

  ExperimentSpec shortSpec(unsigned long long seed) const {
    ExperimentSpec s;
    s.model.type = "bilstm";
    s.model.embeddingDim = 64;
    s.model.hiddenSize = 64;
    s.training.maxSteps = 80;
    s.training.evalEvery = 20;
    s.training.logEvery = 5;
    s.training.lr = 3e-3;
    s.training.seed = seed;
    return s;
  }

  /// A short federated run of `model` on `partition` over `processes` processes.
  ExperimentSpec federatedSpec(unsigned long long seed, const char* model, const char* partition, int clients,
                               int rounds, int perRound, int processes) const {
    auto s = shortSpec(seed);
    s.model.type = model;
    s.training.maxSteps = 0;
    s.federated.enabled = true;
    s.federated.partition = partition;
    s.federated.clients = clients;
    s.federated.rounds = rounds;
    s.federated.clientsPerRound = perRound;
    s.federated.localLr = 0.5;
    s.federated.processes = processes;
    return s;
  }

  static bool fileContains(const QString& path, const QByteArray& text) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) && f.readAll().contains(text);
  }

  bool inspectorShows(const QString& key) const {
    return !window_->findChild<RunInspector*>()->findItems(key, Qt::MatchExactly | Qt::MatchRecursive, 0).isEmpty();
  }

  qlonglong runAndWait(const ExperimentSpec& spec) {
    QSignalSpy finished(window_.get(), &MainWindow::runFinished);
    QSignalSpy failed(window_.get(), &MainWindow::runFailed);
    window_->startExperiment(spec);
    for (int i = 0; i < 600 && finished.isEmpty() && failed.isEmpty(); ++i) finished.wait(500);
    if (!failed.isEmpty()) qWarning() << failed.first().first();
    if (finished.isEmpty()) return -1;
    return finished.first().at(0).toLongLong();
  }

  /// Brings every tab page that holds `view` to the front.
  static void showPage(QWidget* view) {
    for (QWidget* page = view; page; page = page->parentWidget())
      if (auto* tabs = page->parentWidget() ? qobject_cast<QTabWidget*>(page->parentWidget()->parentWidget()) : nullptr)
        tabs->setCurrentWidget(page);
  }

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("TrustLabTest");
    QSettings().clear();
    loadPlugins();  // as the GUI's main does: the build tree's example plugins
    window_ = std::make_unique<MainWindow>(dir_.path() + "/gui.sqlite");
    window_->resize(1400, 900);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
  }
  void designerValidatesAsYouType() {
    auto* designer = window_->designer();
    QVERIFY(designer->isValid());
    designer->setSpec([] { ExperimentSpec s; s.training.lr = -1; return s; }());
    QVERIFY(!designer->isValid());
    // Start is disabled with the reason beside it, and the field is marked in place.
    QVERIFY(!window_->startAction()->isEnabled());
    QVERIFY2(window_->startBlockedReason().startsWith("training.lr: "), qPrintable(window_->startBlockedReason()));
    QCOMPARE(designer->markOf("training.lr"), QString("error"));
    QVERIFY(designer->findChild<QLineEdit*>("training.lr")->toolTip().contains("⚠"));
    designer->setSpec(ExperimentSpec());
    QVERIFY(designer->isValid());
    QVERIFY(window_->startAction()->isEnabled() && window_->startBlockedReason().isEmpty());
    QCOMPARE(designer->markOf("training.lr"), QString());
    // Legal but dubious: marked as a warning, Start stays enabled.
    designer->setSpec([] {
      ExperimentSpec s;
      s.training.privacy.mode = "edp";
      s.training.privacy.targetEpsilon = 20;
      return s;
    }());
    QCOMPARE(designer->markOf("privacy.target_epsilon"), QString("warning"));
    QVERIFY(window_->startAction()->isEnabled());
    designer->setSpec(ExperimentSpec());
    // Typing in a generated row edits its field; text that is no number names the field.
    auto* lr = designer->findChild<QLineEdit*>("training.lr");
    QVERIFY(lr);
    lr->setText("3e-4");
    QCOMPARE(designer->spec().training.lr, 3e-4);
    lr->setText("fast");
    QVERIFY(!designer->isValid());
    lr->setText("0.001");
    QVERIFY(designer->isValid());
    // Round trip: form fields and fields the form does not show both survive.
    ExperimentSpec loaded;
    loaded.audit.canaries = 3;
    loaded.audit.mia = "lira";
    loaded.training.privacy.adaptiveClipping = true;
    loaded.training.restoreBest = false;
    loaded.federated.enabled = true;
    loaded.federated.partition = "dirichlet";
    loaded.federated.alpha = 0.3;
    loaded.federated.tau = 0.01;  // not in the form
    designer->setSpec(loaded);
    QCOMPARE(designer->spec().toJson(), loaded.toJson());
    designer->setSpec(ExperimentSpec());
  }
  void designerShowsEveryApplicableFieldAndOnlyThose() {
    auto* designer = window_->designer();
    for (const auto& f : specFields())  // every declared field is editable
      QVERIFY2(designer->findChild<QWidget*>(QString::fromStdString(f.path())), f.path().c_str());
    const auto shown = [&](const char* path) { return designer->findChild<QWidget*>(path)->isVisibleTo(designer); };
    ExperimentSpec s;
    s.model.type = "bilstm";
    designer->setSpec(s);
    QVERIFY(shown("model.hidden_size") && !shown("model.heads") && !shown("model.ffn_dim"));
    QVERIFY(!shown("privacy.clip") && !shown("federated.rounds"));
    auto* model = designer->findChild<QComboBox*>("model.type");
    QVERIFY(model->findText("transformer") >= 0);  // the registry's models
    model->setCurrentText("transformer");
    QVERIFY(!shown("model.hidden_size") && shown("model.heads") && shown("model.ffn_dim"));
    designer->findChild<QComboBox*>("privacy.mode")->setCurrentText("edp");
    QVERIFY(shown("privacy.clip") && shown("privacy.accountant") && !shown("privacy.target_quantile"));
    designer->findChild<QCheckBox*>("federated.enabled")->setChecked(true);
    QVERIFY(shown("federated.rounds") && shown("federated.local_lr") && !shown("federated.mu"));
    designer->findChild<QComboBox*>("federated.algorithm")->setCurrentText("fedprox");
    QVERIFY(shown("federated.mu"));
    QCOMPARE(designer->spec().federated.algorithm, std::string("fedprox"));
    QVERIFY(designer->isValid());
    window_->resize(1024, 700);
    QTest::qWait(50);
    QString minimums;  // what holds the window open when it cannot shrink
    auto* tabs = window_->findChild<QTabWidget*>();
    for (int i = 0; i < tabs->count(); ++i)
      minimums += QString(" %1 %2x%3").arg(tabs->tabText(i)).arg(tabs->widget(i)->minimumSizeHint().width()).arg(tabs->widget(i)->minimumSizeHint().height());
    minimums += QString(" runs %1x%2").arg(window_->runBrowser()->minimumSizeHint().width()).arg(window_->runBrowser()->minimumSizeHint().height());
    QVERIFY2(window_->size() == QSize(1024, 700), qPrintable(QString("%1x%2:").arg(window_->width()).arg(window_->height()) + minimums));
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/designer_1024x700.png"));
    window_->resize(1600, 1000);
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/designer_1600x1000.png"));
    window_->resize(1400, 900);
    designer->setSpec(ExperimentSpec());
  }
  void trainsLiveWithoutBlockingTheGui() {
    const qlonglong id = runAndWait(shortSpec(1));
    QVERIFY(id > 0);
    auto* view = window_->trainingView();
    QVERIFY(view->lossPlot()->pointCount() > 10);
    QVERIFY(view->accuracyPlot()->pointCount() > 10);
    const double blocked = window_->probe()->maxBlockedMs();
    qInfo() << "GUI thread longest block while training:" << blocked << "ms";
    QVERIFY2(blocked < 50, qPrintable(QString::number(blocked)));
    QCOMPARE(window_->runBrowser()->runCount(), 1);
  }
  void overlaysTwoRunsAndSavesScreenshot() {
    const qlonglong second = runAndWait(shortSpec(2));
    QVERIFY(second > 0);
    auto* browser = window_->runBrowser();
    QCOMPARE(browser->runCount(), 2);
    browser->selectRuns({1, second});
    QCOMPARE(browser->selectedRunIds().size(), 2);
    Q_EMIT browser->overlayRequested(browser->selectedRunIds());
    QCOMPARE(window_->trainingView()->lossPlot()->seriesCount(), 4);  // train + valid for each run
    // Coloured by a setting that differs: its value joins each legend entry.
    auto* colourBy = window_->trainingView()->colourByBox();
    QVERIFY(colourBy->findText("training.seed") >= 0);
    colourBy->setCurrentText("training.seed");
    QCOMPARE(window_->trainingView()->lossPlot()->seriesCount(), 4);
    QVERIFY2(window_->trainingView()->lossPlot()->description().series.front().name.find("training.seed=1") != std::string::npos,
             window_->trainingView()->lossPlot()->description().series.front().name.c_str());
    colourBy->setCurrentText("run");
    QTest::qWait(200);
    QDir().mkpath(TRUSTLAB_TEST_OUTPUT_DIR);
    const QString shot = QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window.png";
    QVERIFY(window_->grab().save(shot));
    qInfo() << "screenshot:" << shot;
  }
  void privateRunShowsEpsilonCurve() {
    auto spec = shortSpec(3);
    spec.model.type = "bag";
    spec.training.privacy.mode = "edp";
    spec.training.privacy.targetEpsilon = 3;
    spec.training.batchSize = 256;
    spec.training.maxSteps = 0;
    spec.training.epochs = 2;
    spec.training.lr = 0.01;
    const qlonglong id = runAndWait(spec);
    QVERIFY(id > 0);
    auto* eps = window_->trainingView()->epsilonPlot();
    QVERIFY(eps->isVisible());
    QVERIFY(eps->pointCount() > 3);
    const auto d = eps->description();
    QVERIFY(d.series.front().y.back() <= 3 + 1e-9);
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_private.png"));
    // Three plots (loss, accuracy, ε) still fit a 1024×700 window.
    const QSize minimum = window_->minimumSizeHint();
    QVERIFY2(minimum.width() <= 1024 && minimum.height() <= 700,
             qPrintable(QString("%1x%2").arg(minimum.width()).arg(minimum.height())));
    // Legends and the run table use the run's name, which says what differs from the defaults.
    QVERIFY2(d.series.front().name.rfind("#" + std::to_string(id) + " bag edp ε=3", 0) == 0, d.series.front().name.c_str());
  }
  void runTableShowsPrivacyTagsAndNotes() {
    auto* browser = window_->runBrowser();
    auto* rows = browser->table()->model();
    auto* filter = browser->findChild<QLineEdit*>("runFilter");
    filter->setText("edp");  // found by the Privacy column ("edp ε=3.00")
    QCOMPARE(rows->rowCount(), 1);
    // A private run not in secure mode is flagged, and its tooltip says what that means.
    const auto privacy = rows->index(0, RunTableModel::Privacy);
    QVERIFY2(privacy.data().toString().endsWith("⚠"), qPrintable(privacy.data().toString()));
    const QString caveats = privacy.data(Qt::ToolTipRole).toString();
    QVERIFY2(caveats.contains("not secure mode") && caveats.contains("privacy.secure") &&
                 caveats.contains("vocabulary built without DP"),
             qPrintable(caveats));
    browser->selectRuns({rows->index(0, RunTableModel::Id).data().toLongLong()});
    QCoreApplication::processEvents();
    QVERIFY(inspectorShows("Caveat"));
    filter->clear();
    const int all = rows->rowCount();
    QVERIFY(all >= 3);
    browser->selectRuns({1});
    QCOMPARE(browser->selectedRunIds(), QList<qlonglong>{1});
    QVERIFY(browser->tagSelected("baseline", ""));
    filter->setText("baseline");
    QVERIFY2(rows->rowCount() == 1, qPrintable(QString::number(rows->rowCount())));
    filter->clear();
    // A record of the engine is refused, in a box.
    QVERIFY(!browser->tagSelected("privacy.secure_mode", "false"));
    QCoreApplication::processEvents();
    auto* box = window_->findChild<QMessageBox*>("errorDialog");
    QVERIFY(box && box->text().contains("privacy.secure_mode"));
    delete box;
    // The note is edited in place and stored.
    for (int r = 0; r < rows->rowCount(); ++r)
      if (rows->index(r, RunTableModel::Id).data().toLongLong() == 1)
        QVERIFY(rows->setData(rows->index(r, RunTableModel::Note), "first try", Qt::EditRole));
    const RunStore store(window_->storePath().toStdString(), true);
    QCOMPARE(store.run(1)->tags.at("note"), std::string("first try"));
    QVERIFY(store.run(1)->tags.count("baseline"));
    // An expression over metrics, params and tags; a bad one marks the box and keeps the last filter.
    QVERIFY(browser->setFilter("privacy.mode = edp and test/accuracy > 0"));
    QCOMPARE(rows->rowCount(), 1);
    QVERIFY(browser->setFilter("baseline or note ~ first"));
    QCOMPARE(rows->rowCount(), 1);
    QVERIFY(!browser->setFilter("test/accuracy >"));
    QVERIFY(filter->toolTip().contains("column"));
    QCOMPARE(rows->rowCount(), 1);
    browser->setFilter({});
    QCOMPARE(rows->rowCount(), all);
    // Any metric as a column, remembered.
    browser->setExtraColumns({"privacy/epsilon"});
    QCOMPARE(rows->headerData(RunTableModel::ColumnCount, Qt::Horizontal).toString(), QString("privacy/epsilon"));
    QCOMPARE(QSettings().value("runs/columns").toStringList(), QStringList{"privacy/epsilon"});
    browser->setExtraColumns({});
    // Tags come off again (records do not), and a run is renamed in place.
    browser->selectRuns({1});
    QVERIFY(browser->tagSelected("draft", ""));
    QVERIFY(browser->untagSelected("draft"));
    QVERIFY(!browser->untagSelected("checkpoint"));
    QCoreApplication::processEvents();
    delete window_->findChild<QMessageBox*>("errorDialog");
    const RunStore after(window_->storePath().toStdString(), true);
    const QString name = QString::fromStdString(after.run(1)->name);
    const auto renameRunOne = [&](const QString& to) {
      for (int r = 0; r < rows->rowCount(); ++r)
        if (rows->index(r, RunTableModel::Id).data().toLongLong() == 1)
          return rows->setData(rows->index(r, RunTableModel::Name), to, Qt::EditRole);
      return false;
    };
    QVERIFY(renameRunOne("baseline bilstm"));
    QVERIFY(!after.run(1)->tags.count("draft"));
    QVERIFY(after.run(1)->tags.count("checkpoint"));
    QCOMPARE(after.run(1)->name, std::string("baseline bilstm"));
    QVERIFY(!renameRunOne("  "));  // a run keeps a name
    QVERIFY(renameRunOne(name));
    // Grouped by a tag: the tagged run's group, then the rest; a group's row stands for its runs and
    // shows each number column's mean over them.
    browser->selectRuns({1});
    QVERIFY(browser->tagSelected("arm", "baseline"));
    auto* groupBy = browser->findChild<QComboBox*>("runGroupBy");
    QVERIFY(groupBy->findData("arm") >= 0 && groupBy->findData("replicates") >= 0 && groupBy->findData("experiment") >= 0);
    groupBy->setCurrentIndex(groupBy->findData("arm"));
    QCOMPARE(QSettings().value("runs/groupBy").toString(), QString("arm"));
    QCOMPARE(rows->rowCount(), 2);  // sorted as the table is (by ID, here the group's size, descending)
    const auto groupRow = [&](const QString& label) {
      for (int r = 0; r < rows->rowCount(); ++r)
        if (rows->index(r, RunTableModel::Name).data().toString() == label) return rows->index(r, 0);
      return QModelIndex();
    };
    const QModelIndex baseline = groupRow("baseline"), rest = groupRow("(none)");
    QVERIFY(baseline.isValid() && rest.isValid());
    QCOMPARE(rows->rowCount(baseline), 1);
    QCOMPARE(rows->index(0, RunTableModel::Id, baseline).data().toLongLong(), 1LL);
    QCOMPARE(rows->rowCount(rest), all - 1);
    double sum = 0;
    int counted = 0;
    for (int r = 0; r < rows->rowCount(rest); ++r)
      if (const auto v = rows->index(r, RunTableModel::TestAccuracy, rest).data(Qt::UserRole); v.isValid())
        sum += v.toDouble(), ++counted;
    QVERIFY(counted > 0);
    QVERIFY(std::abs(rest.siblingAtColumn(RunTableModel::TestAccuracy).data(Qt::UserRole).toDouble() - sum / counted) < 1e-9);
    browser->table()->selectionModel()->select(rest, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(browser->selectedRunIds().size(), all - 1);
    QVERIFY(!browser->selectedRunIds().contains(1));
    // Filters reach into groups (a group without a matching run goes); selecting a run opens its group.
    QVERIFY(browser->setFilter("id = 1"));
    QCOMPARE(rows->rowCount(), 1);
    browser->setFilter({});
    browser->selectRuns({1});
    QCOMPARE(browser->selectedRunIds(), QList<qlonglong>{1});
    QVERIFY(browser->table()->isExpanded(groupRow("baseline")));
    browser->table()->expand(groupRow("(none)"));
    QVERIFY(browser->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/run_table_grouped.png"));
    QVERIFY(browser->untagSelected("arm"));
    browser->setGroupBy({});
    QCOMPARE(rows->rowCount(), all);
    QCOMPARE(QSettings().value("runs/groupBy").toString(), QString());
  }
  void comparesRunsWithTheirParetoFront() {
    Q_EMIT window_->runBrowser()->compareRequested({1, 2, 3});
    auto* view = window_->compareView();
    QCOMPARE(window_->findChild<QTabWidget*>()->currentWidget(), view);
    const auto rowKeys = [](QTableWidget* t) {
      QStringList keys;
      for (int r = 0; r < t->rowCount(); ++r) keys << t->item(r, 0)->text();
      return keys;
    };
    QVERIFY2(rowKeys(view->settingsTable()).contains("training.seed"), qPrintable(rowKeys(view->settingsTable()).join(",")));
    QVERIFY(!rowKeys(view->settingsTable()).contains("data.dataset"));  // the same in all three: not shown
    QVERIFY(rowKeys(view->metricTable()).contains("test/accuracy"));
    view->setAxes("test/loss", "test/accuracy");
    QCOMPARE(view->front().size(), size_t(3));
    QVERIFY(std::count(view->front().begin(), view->front().end(), true) >= 1);
    // Parallel coordinates: an axis per differing setting (the seed at least) and headline metric.
    const auto& pc = view->parallel();
    QVERIFY(std::any_of(pc.axes.begin(), pc.axes.end(), [](const auto& a) { return a.key == "training.seed"; }));
    QVERIFY(std::any_of(pc.axes.begin(), pc.axes.end(), [](const auto& a) { return a.key == "test/accuracy"; }));
    QCOMPARE(view->parallelPlot()->graphCount(), 3);
    // Coloured by a differing setting: a scatter graph per value (and the front), the value in the
    // parallel plot's legend, the same colour for the same value.
    view->setColourBy("training.seed");
    const auto seeds = colourBySetting(compareRuns({*RunStore(window_->storePath().toStdString(), true).run(1),
                                                    *RunStore(window_->storePath().toStdString(), true).run(2),
                                                    *RunStore(window_->storePath().toStdString(), true).run(3)}),
                                       "training.seed");
    QVERIFY(!seeds.values.empty());
    QCOMPARE(view->scatterPlot()->graphCount(), int(seeds.values.size()) + 1);
    QCOMPARE(view->scatterPlot()->graph(int(seeds.values.size()))->name(), QString("Pareto front"));
    for (int r = 0; r < 3; ++r) {
      QVERIFY(view->parallelPlot()->graph(r)->name().contains(" · training.seed="));
      QCOMPARE(view->parallelPlot()->graph(r)->pen().color(), MetricPlot::paletteColor(seeds.index[size_t(r)]));
    }
    const auto files = view->exportAll(dir_.path() + "/cmp", 241, 170);
    QCOMPARE(files.size(), 12);  // the scatter's and the parallel plot's five formats, and the two tables
    QVERIFY(fileContains(dir_.path() + "/cmp-compare-metrics.csv", "\"test/accuracy\""));
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_compare.png"));
    // A large screen: the tables, plots and run table share the space (looked at, not asserted).
    window_->resize(2560, 1440);
    QTest::qWait(50);
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_2560x1440.png"));
    window_->resize(1400, 900);
    view->setColourBy("run");
    QCOMPARE(view->scatterPlot()->graphCount(), 2);
    // A report of the same runs, with the figures rendered as the plots export them.
    window_->runBrowser()->selectRuns({1, 2});
    QVERIFY(window_->writeReport(dir_.path() + "/report"));
    QVERIFY(fileContains(dir_.path() + "/report/report.md", "![train/loss](figure-train-loss.png)"));
    QVERIFY(QImage(dir_.path() + "/report/figure-train-loss.png").width() > 900);  // 8.5 cm at 300 dpi
    window_->findChild<QTabWidget*>()->setCurrentIndex(0);
  }
  void auditsARunFromTheBrowser() {
    QSignalSpy audited(window_.get(), &MainWindow::auditFinished);
    auto* browser = window_->runBrowser();
    browser->selectRuns({1});
    window_->probe()->reset();
    Q_EMIT browser->auditRequested(1, "membership:loss");
    QVERIFY(audited.wait(120000));
    // The audit trains its shadow models off the GUI thread.
    const double blocked = window_->probe()->maxBlockedMs();
    qInfo() << "GUI thread longest block while auditing:" << blocked << "ms";
    QVERIFY2(blocked < 50, qPrintable(QString::number(blocked)));
    QVERIFY2(audited.first().at(1).toString().contains("AUC"), qPrintable(audited.first().at(1).toString()));
    QVERIFY(inspectorShows("audit/mia_loss/auc"));
  }
  void auditsFairnessAndShowsCounterfactuals() {
    QSignalSpy audited(window_.get(), &MainWindow::auditFinished);
    Q_EMIT window_->runBrowser()->auditRequested(1, "fairness");
    QVERIFY(audited.wait(120000));
    QVERIFY2(audited.first().at(1).toString().contains("counterfactual pairs"), qPrintable(audited.first().at(1).toString()));
    auto* view = window_->fairnessView();
    QVERIFY(view->groupTable()->rowCount() >= 2);  // female, male (and texts naming neither)
    QVERIFY(view->metricTable()->rowCount() >= 10);
    const int pairs = view->pairTable()->rowCount();
    QVERIFY(pairs > 20);
    view->flipsOnly()->setChecked(true);
    int shown = 0;
    for (int r = 0; r < pairs; ++r) shown += !view->pairTable()->isRowHidden(r);
    QVERIFY(shown < pairs);
    view->flipsOnly()->setChecked(false);
    QVERIFY(inspectorShows("fairness/flip_rate"));
    // Readable names with a one-line explanation; the recorded key in the tooltip (a plugin's too).
    const auto titleOf = [&](const QString& key) {
      for (int r = 0; r < view->metricTable()->rowCount(); ++r)
        if (view->metricTable()->item(r, 0)->toolTip().endsWith("fairness/" + key)) return view->metricTable()->item(r, 0)->text();
      return QString();
    };
    QCOMPARE(titleOf("eo_ratio"), QString("equalized odds ratio"));
    QVERIFY(!titleOf("ppv_difference").isEmpty());  // a plugin's metric
    const auto files = view->exportAll(dir_.path() + "/fair", 241, 170);
    QCOMPARE(files.size(), 8);  // the chart in 5 formats, 3 tables
    QTest::qWait(100);
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_fairness.png"));
  }
  void runsWeatFromTheBrowser() {
    QFile test(dir_.path() + "/names.jsonl");
    QVERIFY(test.open(QIODevice::WriteOnly));
    test.write(R"({"targ1": {"category": "Male", "examples": ["james", "john", "robert"]},
                   "targ2": {"category": "Female", "examples": ["mary", "patricia", "linda"]},
                   "attr1": {"category": "Alarm", "examples": ["alarm", "timer"]},
                   "attr2": {"category": "Food", "examples": ["recipe", "dinner"]}})");
    test.close();
    QSignalSpy audited(window_.get(), &MainWindow::auditFinished);
    Q_EMIT window_->runBrowser()->auditRequested(1, "weat:" + test.fileName());
    QVERIFY(audited.wait(60000));
    QVERIFY2(audited.first().at(1).toString().contains("effect size"), qPrintable(audited.first().at(1).toString()));
    QVERIFY(inspectorShows("fairness/weat/names/effect_size"));
    // CEAT on the run's contextual states, in sentences of a corpus chosen in the audit's form
    // (the values last accepted there are what a caller naming the test runs with).
    const QString corpus = dir_.path() + "/corpus.txt";
    QVERIFY(test::writeNamesCorpus(corpus));
    const Audit& ceat = auditRegistry().at("ceat");
    {
      AuditSettingsDialog form("ceat", "CEAT", ceat, QString());
      QVERIFY(form.findChild<QLineEdit*>("argument"));
      form.findChild<QLineEdit*>("corpus")->setText(corpus);
      form.findChild<QLineEdit*>("samples")->setText("40");
      form.accept();
      QCOMPARE(QString::fromStdString(form.settings().at("corpus")), corpus);
    }
    QCOMPARE(QString::fromStdString(AuditSettingsDialog::remembered("ceat", ceat).at("samples")), QString("40"));
    audited.clear();
    Q_EMIT window_->runBrowser()->auditRequested(1, "ceat:" + test.fileName());
    QVERIFY(audited.wait(60000));
    QVERIFY2(audited.first().at(1).toString().contains("40 samples: combined effect size"), qPrintable(audited.first().at(1).toString()));
    QVERIFY(inspectorShows("fairness/ceat/names/effect_size"));
  }
  void distilsLiveAndComparesMethods() {
    auto* view = window_->distillationView();
    QSignalSpy finished(view, &DistillationView::runFinished);
    view->setDownstream("default", 10);  // each student fine-tuned on the default intents and audited
    view->start({"kd", "both"}, 2, 12);  // a word-level teacher learns the planted association in ~12 epochs
    QVERIFY(finished.wait(480000));  // ~1 min alone; ctest -j2 may run the studies beside it
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(view->outcomes().size(), size_t(2));
    QVERIFY(view->outcomes()[1].disparity < view->outcomes()[0].disparity);  // role reversal helps after 2 student epochs
    QVERIFY(view->examples()->rowCount() >= 2 * 10);
    // Generation disparity beside the downstream classifier's, per student.
    QCOMPARE(view->students()->rowCount(), 2);
    for (const auto& o : view->outcomes()) {
      QVERIFY(o.downstreamRunId > 0 && o.downstream.count("fairness/ctf_gap") && o.downstream.count("test/accuracy"));
      QVERIFY(QFile::exists(QString::fromStdString(o.folder) + "/model.safetensors"));
    }
    QVERIFY(!view->students()->item(0, 5)->text().isEmpty());
    const RunStore store((dir_.path() + "/gui.sqlite").toStdString(), true);
    QVERIFY(!store.listRuns("distill").empty());
    const auto files = view->exportAll(dir_.path() + "/distil", 241, 170);
    QCOMPARE(files.size(), 7);  // the plot in 5 formats, the students and the examples
    showPage(view);  // Fairness → Distillation
    QTest::qWait(100);
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_distillation.png"));
    window_->resize(1024, 700);  // its two rows of controls still fit the smallest window
    QTest::qWait(100);
    QCOMPARE(window_->size(), QSize(1024, 700));
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_distillation_1024x700.png"));
    window_->resize(1400, 900);
  }
  void runsAStudyFromTheStudiesPage() {
    auto* view = window_->studiesView();
    showPage(view);
    QVERIFY(view->setStudy("fl-selection"));
    QVERIFY(!view->setStudy("fl-selectoin"));
    QVERIFY(view->setSize("smoke"));
    QVERIFY(!view->setSize("tiny"));
    view->setOutputFolder(dir_.path() + "/study");
    QSignalSpy done(view, &StudiesView::runsChanged);
    view->start();
    QVERIFY(view->isRunning());
    QVERIFY(done.wait(400000));
    QVERIFY(!view->isRunning());
    // The report is shown with its figures, drawn by the GUI in every export format.
    QCOMPARE(view->shownReport(), dir_.path() + "/study/report.md");
    for (const char* figure : {"perplexity-per-round", "perplexity-by-texts"})
      for (const char* ext : {"pdf", "svg", "png", "csv", "tex"}) {
        const QString file = dir_.path() + "/study/" + figure + "." + ext;
        QVERIFY2(QFile::exists(file), qPrintable(file));
        if (QString(ext) != "png") continue;
        const QString kept = QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/study_" + figure + ".png";
        QFile::remove(kept);
        QVERIFY(QFile::copy(file, kept));
      }
    const RunStore store((dir_.path() + "/gui.sqlite").toStdString(), true);
    QCOMPARE(int(store.listRuns(studyExperiment("fl-selection", StudySize::smoke)).size()), 5);
    // The headline in the log: indented lines, nested numbers under their key.
    const QString log = view->findChild<QPlainTextEdit*>()->toPlainText();
    QVERIFY2(log.contains("\n  activity_minus_uniform_static: ") && log.contains("\n  perplexity:\n    activity_continual: "),
             qPrintable(log));
    // fl-selection writes no per-run table; a study that does gets any pair of its columns plotted.
    QVERIFY(!view->pairExplorer()->isEnabled());
    QFile table(dir_.path() + "/study/runs.csv");
    QVERIFY(table.open(QIODevice::WriteOnly));
    table.write("run,model,seed,intrinsic,extrinsic\n1,bag,1,0.1,0.5\n2,bag,2,0.3,0.9\n3,bilstm,1,0.2,0.7\n4,bilstm,2,0.5,1.6\n5,bag,3,—,0.2\n");
    table.close();
    view->showReport(dir_.path() + "/study/report.md");
    QVERIFY(view->pairExplorer()->isEnabled());
    view->pairExplorer()->setPair("intrinsic", "extrinsic");
    QVERIFY2(view->pairExplorer()->summary().startsWith("Spearman ρ = 1.00") && view->pairExplorer()->summary().contains("4 runs"),
             qPrintable(view->pairExplorer()->summary()));
    QCOMPARE(view->pairExplorer()->plot()->seriesCount(), 2);  // one colour per model
    view->findChild<QTabWidget*>()->setCurrentWidget(view->pairExplorer());
    QTest::qWait(100);
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_studies_pairs.png"));
    view->findChild<QTabWidget*>()->setCurrentIndex(0);
    for (const QSize size : {QSize(1024, 700), QSize(1600, 1000)}) {
      window_->resize(size);
      QTest::qWait(100);
      QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + QString("/main_window_studies_%1x%2.png")
                                                                           .arg(size.width()).arg(size.height())));
    }
  }
  void exportsTrainingPlots() {
    const auto files = window_->trainingView()->exportAll(dir_.path() + "/plots", 241, 170);
    QCOMPARE(files.size(), 15);  // loss, accuracy and ε
    for (const auto& f : files) QVERIFY(QFileInfo(f).size() > 0);
  }
  /// Bad data fail the run as bad input, naming the file, line and field, as the CLI's exit 2
  /// does; nothing is stored as finished and the window carries on (another run then trains).
  void badInputFailsTheRunNamingFileLineAndField() {
    const auto failWith = [this](const QString& name, const QByteArray& text) {
      const QString path = dir_.path() + "/" + name;
      QFile f(path);
      if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size()) return QString("cannot write ") + path;
      f.close();
      auto spec = shortSpec(1);
      spec.data.dataset = path.toStdString();
      QSignalSpy failed(window_.get(), &MainWindow::runFailed);
      window_->startExperiment(spec);
      for (int i = 0; i < 120 && failed.isEmpty(); ++i) failed.wait(500);
      return failed.isEmpty() ? QString("no failure") : failed.first().first().toString();
    };
    const int before = window_->runBrowser()->runCount();
    QString error = failWith("label.jsonl", "{\"text\": \"hi\", \"label\": \"a\"}\n{\"text\": \"yo\", \"label\": {\"name\": \"b\"}}\n");
    QVERIFY2(error.contains("label.jsonl:2:") && error.contains("'label'"), qPrintable(error));
    QVERIFY2(window_->trainingView()->status().startsWith("Bad input: "), qPrintable(window_->trainingView()->status()));
    error = failWith("one-class.csv", "text,label\nhello there,a\nbye now,a\nsee you,a\ngood day,a\nhi all,a\nyo,a\n");
    QVERIFY2(error.contains("one-class.csv") && error.contains("at least 2"), qPrintable(error));
    QVERIFY(!window_->isRunning() && window_->isVisible());
    QCOMPARE(window_->runBrowser()->runCount(), before);  // a refused dataset records no run
    QVERIFY(runAndWait(shortSpec(5)) > 0);
  }
  void fileOperationsReportBadTargetsInABox() {
    const QString blocker = dir_.path() + "/blocker";  // a file where a folder should be
    QFile f(blocker);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("x");
    f.close();
    const auto errorText = [this] {
      QCoreApplication::processEvents();
      QString text;
      for (auto* box : window_->findChildren<QMessageBox*>("errorDialog")) {
        text += box->text();
        delete box;
      }
      return text;
    };
    auto* tabs = window_->findChild<QTabWidget*>();
    ExportRequest r;
    r.basePath = blocker + "/plots";
    for (int i = 0; i < tabs->count(); ++i) {  // File → Export plots on every tab
      tabs->setCurrentIndex(i);
      const bool ok = window_->exportCurrentTab(r);
      const QString text = errorText();
      // A tab with nothing drawn may write nothing; one that tries is refused with the path.
      QVERIFY2(ok ? text.isEmpty() : text.contains(blocker), qPrintable(tabs->tabText(i) + ": " + text));
    }
    tabs->setCurrentIndex(0);
    QVERIFY(!window_->exportCurrentTab(r));
    QVERIFY(errorText().contains("Not a directory"));
    r.basePath = dir_.path() + "/exports/new/training";  // missing folders are made
    QVERIFY(window_->exportCurrentTab(r));
    QVERIFY(QFileInfo::exists(r.basePath + "-loss.pdf"));
    QVERIFY(!window_->saveSpecTo(blocker + "/spec.json"));
    QVERIFY(errorText().contains(blocker + "/spec.json"));
    const QString store = window_->storePath();
    window_->runBrowser()->selectRuns({1});
    QVERIFY(window_->exportRuns(MainWindow::RunsFormat::Mlflow, dir_.path() + "/mlruns"));
    QVERIFY(!QDir(dir_.path() + "/mlruns/1").entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    QVERIFY(!window_->exportRuns(MainWindow::RunsFormat::TensorBoard, blocker + "/tb"));
    QVERIFY(errorText().contains(blocker));
    QVERIFY(!window_->switchStore(blocker));  // not a database
    QVERIFY(errorText().contains(blocker));
    QCOMPARE(window_->storePath(), store);
    QVERIFY(window_->isVisible());
  }
  void runsAFederatedSimulationLive() {
    auto spec = shortSpec(4);
    spec.model.type = "bag";
    spec.training.maxSteps = 0;
    spec.federated.enabled = true;
    spec.federated.rounds = 6;
    spec.federated.clientsPerRound = 5;
    spec.federated.localLr = 0.5;
    const qlonglong id = runAndWait(spec);
    QVERIFY(id > 0);
    QVERIFY(window_->trainingView()->accuracyPlot()->pointCount() >= 6);  // valid accuracy per round
    const RunStore store((dir_.path() + "/gui.sqlite").toStdString(), true);
    QCOMPARE(store.metricHistory(id, "fl/simulated_seconds").size(), size_t(6));
    auto* fed = window_->federatedView();
    QTRY_COMPARE_WITH_TIMEOUT(fed->roundPlot()->seriesCount(), 1, 5000);
    QCOMPARE(fed->timePlot()->seriesCount(), 1);
    QCOMPARE(fed->clientsPlot()->seriesCount(), 1);
    QCOMPARE(fed->labelsPlot()->seriesCount(), 1);
    // Participation histogram: the bars count every client once, and 6 rounds × 5 clients in all.
    const auto bars = fed->participationPlot()->description().series.at(0);
    double clients = 0, taken = 0;
    for (size_t i = 0; i < bars.x.size(); ++i) clients += bars.y[i], taken += bars.x[i] * bars.y[i];
    QCOMPARE(taken, 30.0);
    QVERIFY(clients > 30);  // the natural partition has hundreds of users
    QVERIFY(fed->summary()->text().contains("natural"));
    QCOMPARE(fed->showRuns({1, id}, dir_.path() + "/gui.sqlite"), 1);  // run 1 is not federated:
    QCOMPARE(fed->roundPlot()->seriesCount(), 2);                        // it is the dashed central reference
    QVERIFY(fed->summary()->text().contains("run 1: trained centrally"));
    const auto files = fed->exportAll(dir_.path() + "/fed", 241, 170);
    QCOMPARE(files.size(), 25);
    window_->findChild<QTabWidget*>()->setCurrentWidget(fed);
    QTest::qWait(100);
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_federated.png"));
  }
  void trainsAFederatedLanguageModel() {
    auto choices = window_->designer()->findChild<QComboBox*>("training.objective");
    QVERIFY(choices && choices->findText("next_word") >= 0);  // from the objective registry
    const qlonglong id = runAndWait(test::tinyNextWordSpec(4));
    QVERIFY(id > 0);
    auto* fed = window_->federatedView();
    QTRY_COMPARE_WITH_TIMEOUT(fed->roundPlot()->seriesCount(), 1, 5000);
    const auto plot = fed->roundPlot()->description();
    QCOMPARE(QString::fromStdString(plot.yLabel), QString("valid perplexity"));
    QVERIFY(plot.logY);
    QCOMPARE(plot.series.at(0).x.size(), size_t(4));  // held-out perplexity each round
    QVERIFY2(fed->summary()->text().contains("test perplexity"), qPrintable(fed->summary()->text()));
    showPage(fed);
    QTest::qWait(100);
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_federated_lm.png"));
  }
  void runsAFederatedSimulationOverTwoProcesses() {
    // The GUI starts the second rank as trustlab-cli beside it; the model equals one process's.
    auto spec = federatedSpec(5, "bag", "iid", 30, 3, 6, 2);
    const qlonglong two = runAndWait(spec);
    QVERIFY(two > 0);
    spec.federated.processes = 1;
    const qlonglong one = runAndWait(spec);
    QVERIFY(one > 0);
    const auto storePath = (dir_.path() + "/gui.sqlite").toStdString();
    const RunStore store(storePath, true);
    QCOMPARE(store.metricHistory(two, "fl/examples").size(), size_t(3));
    const auto a = loadCheckpoint(runArtifactDir(storePath, two)), b = loadCheckpoint(runArtifactDir(storePath, one));
    const auto pa = a.model->parameters(), pb = b.model->parameters();
    double worst = 0;
    for (size_t i = 0; i < pa.size(); ++i) worst = std::max(worst, (pa[i] - pb[i]).abs().max().item<double>());
    QVERIFY2(worst <= 1e-6, qPrintable(QString("max |Δ| = %1").arg(worst)));
    // Stop: both processes end after the same round (the other would otherwise wait in an all-reduce).
    spec.federated.processes = 2;
    spec.federated.rounds = 100000;
    QSignalSpy finished(window_.get(), &MainWindow::runFinished);
    window_->startExperiment(spec);
    QTRY_VERIFY_WITH_TIMEOUT(window_->isRunning() && window_->trainingView()->accuracyPlot()->pointCount() > 0, 30000);
    window_->stopExperiment();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QCOMPARE(finished.first().at(1).toString(), QString("killed"));
  }
  void previewsThePartitionBeforeTraining() {
    auto spec = shortSpec(1);
    spec.federated.partition = "lognormal";
    spec.federated.clients = 40;
    spec.federated.quantitySigma = 1.5;
    window_->designer()->setSpec(spec);
    QSignalSpy previewed(window_.get(), &MainWindow::partitionPreviewed);
    auto* fed = window_->federatedView();
    QTest::mouseClick(fed->previewButton(), Qt::LeftButton);
    QVERIFY(previewed.wait(60000));
    QVERIFY2(previewed.first().first().toString().contains("40 clients"), qPrintable(previewed.first().first().toString()));
    QCOMPARE(fed->clientsPlot()->description().series.at(0).x.size(), size_t(40));
    QCOMPARE(fed->labelsPlot()->seriesCount(), 1);
    window_->findChild<QTabWidget*>()->setCurrentWidget(fed);
    QTest::qWait(100);
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_partition_preview.png"));
  }
  void examplePluginsInTheGui() {
    QVERIFY(MainWindow::pluginsText().contains("Deep averaging network"));
    QVERIFY(!MainWindow::pluginsText().contains("Skipped"));
    QMessageBox box(QMessageBox::Information, "Plugins", MainWindow::pluginsText());  // Help → Plugins
    box.show();
    QVERIFY(QTest::qWaitForWindowExposed(&box));
    QVERIFY(box.grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/plugins_dialog.png"));
    box.close();
    const auto choices = [this](const char* field) {
      auto* combo = window_->designer()->findChild<QComboBox*>(field);
      QStringList items;
      for (int i = 0; combo && i < combo->count(); ++i) items << combo->itemText(i) + " " + combo->itemData(i).toString();
      return items.join("|");
    };
    QVERIFY2(choices("model.type").contains("dan"), qPrintable(choices("model.type")));
    QVERIFY2(choices("federated.partition").contains("shards"), qPrintable(choices("federated.partition")));
    QVERIFY2(choices("data.dataset").contains("default-small"), qPrintable(choices("data.dataset")));
    QStringList audits;
    for (auto* action : window_->runBrowser()->findChildren<QAction*>()) audits << action->text();
    QVERIFY2(audits.join("|").contains("modified prediction entropy"), qPrintable(audits.join("|")));
    // A federated DAN run on the shards partition over two processes: the rank the GUI starts
    // (trustlab-cli) loads the same plugins, or it could not build the model.
    auto spec = federatedSpec(6, "dan", "shards", 20, 2, 4, 2);
    spec.data.dataset = "default-small";
    const qlonglong id = runAndWait(spec);
    QVERIFY(id > 0);
    QSignalSpy audited(window_.get(), &MainWindow::auditFinished);
    Q_EMIT window_->runBrowser()->auditRequested(id, "membership:entropy");
    QVERIFY(audited.wait(120000));
    QVERIFY2(audited.first().at(1).toString().contains("AUC"), qPrintable(audited.first().at(1).toString()));
    QVERIFY(inspectorShows("audit/mia_entropy/auc"));
  }
  void inspectsAStoredClassifier() {
    auto* view = window_->inspectView();
    window_->runBrowser()->selectRuns({1});
    auto* tabs = window_->findChild<QTabWidget*>();
    tabs->setCurrentWidget(view);
    for (int i = 0; i < 200 && view->exampleBox()->count() < 2; ++i) QTest::qWait(50);
    QVERIFY2(view->exampleBox()->count() > 10, "the run's test examples are offered");
    QSignalSpy inspected(view, &InspectView::inspected);
    QSignalSpy failed(view, &InspectView::failed);
    QTest::keyClicks(view->textEdit(), "remind him to call his mother");
    QTest::keyClick(view->textEdit(), Qt::Key_Return);
    QVERIFY(inspected.wait(30000));
    QVERIFY(failed.isEmpty());
    const QString original = view->originalView()->toPlainText(), twin = view->counterfactualView()->toPlainText();
    QVERIFY2(original.contains("Predicted " + inspected.first().first().toString()), qPrintable(original));
    QVERIFY2(original.contains("Integrated gradients"), qPrintable(original));
    QVERIFY2(twin.contains("remind her to call her father"), qPrintable(twin));
    // Picking a test example classifies it.
    inspected.clear();
    view->exampleBox()->setCurrentIndex(3);
    Q_EMIT view->exampleBox()->activated(3);
    QVERIFY(inspected.wait(30000));
    QCOMPARE(view->textEdit()->text(), view->exampleBox()->itemData(3).toString());
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_inspect.png"));
    ExportRequest request;
    request.basePath = dir_.path() + "/inspect/figure";
    QVERIFY(window_->exportCurrentTab(request));
    QVERIFY(fileContains(request.basePath + "-inspect-saliency.csv", "integrated_gradients"));
    tabs->setCurrentIndex(0);
  }
  /// A Hugging Face folder in the designer: what it read is shown and the word-level vocabulary's
  /// options are not; the fine-tuned run is inspected through the folder's WordPiece tokenizer.
  void fineTunesAndInspectsAPretrainedFolder() {
    const auto folder = test::writeTinyBertFolder((dir_.path() + "/tiny-bert").toStdString(),
                                                  prepareData(ExperimentSpec()).vocabulary.tokens());
    auto* designer = window_->designer();
    auto spec = shortSpec(7);
    spec.model.type = "hf";
    spec.model.path = folder.string();
    spec.training.maxSteps = 20;
    spec.data.tokenizer.maxLength = 16;
    designer->setSpec(spec);
    const auto shown = [&](const char* path) { return designer->findChild<QWidget*>(path)->isVisibleTo(designer); };
    QVERIFY(shown("model.path") && shown("model.fine_tuning") && shown("data.pretrained_tokenizer"));
    QVERIFY(!shown("data.tokenizer") && !shown("data.lowercase") && !shown("data.max_vocab") && !shown("model.embedding_dim"));
    const QString summary = designer->findChild<QLabel*>("modelSummary")->text();
    QVERIFY2(summary.contains("bert") && summary.contains("2 layers"), qPrintable(summary));
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/designer_hf.png"));
    const qlonglong id = runAndWait(designer->spec());
    QVERIFY(id > 0);
    auto* view = window_->inspectView();
    window_->runBrowser()->selectRuns({id});
    auto* tabs = window_->findChild<QTabWidget*>();
    tabs->setCurrentWidget(view);
    for (int i = 0; i < 200 && view->exampleBox()->count() < 2; ++i) QTest::qWait(50);
    QSignalSpy inspected(view, &InspectView::inspected);
    QSignalSpy failed(view, &InspectView::failed);
    view->textEdit()->clear();
    QTest::keyClicks(view->textEdit(), "remind him to play jazz");
    QTest::keyClick(view->textEdit(), Qt::Key_Return);
    QVERIFY(inspected.wait(30000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    const QString original = view->originalView()->toPlainText(), twin = view->counterfactualView()->toPlainText();
    QVERIFY2(original.contains("remind him to play jazz") && original.contains("Integrated gradients"), qPrintable(original));
    QVERIFY2(twin.contains("remind her to play jazz"), qPrintable(twin));
    QVERIFY(window_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/main_window_inspect_hf.png"));
    tabs->setCurrentIndex(0);
    designer->setSpec(ExperimentSpec());
  }
  void twoThousandRunsOpenAndFilterQuickly() {
    const QString big = dir_.path() + "/big.sqlite";
    {
      RunStore store(big.toStdString());
      const auto repro = captureRepro("cpu", 1);
      for (int i = 0; i < 2000; ++i) {
        ExperimentSpec spec = shortSpec(unsigned(i));
        if (i % 2) spec.training.privacy.mode = "edp", spec.training.privacy.targetEpsilon = 1 + i % 7;
        const long long id = store.createRun("big", defaultRunName(spec), spec.toJson(), spec.sha256(), spec.training.seed, repro);
        store.logMetrics(id, {{"test/accuracy", 10, 0.5 + (i % 50) / 100.0, 1}, {"train/loss", 10, 1.0, 1}});
        store.finishRun(id, "finished");
      }
    }
    const QString before = window_->storePath();
    QElapsedTimer clock;
    clock.start();
    QVERIFY(window_->switchStore(big));
    const double open = double(clock.nsecsElapsed()) / 1e6;
    QCOMPARE(window_->runBrowser()->runCount(), 2000);
    clock.restart();
    QVERIFY(window_->runBrowser()->setFilter("privacy.target_epsilon < 3 and test/accuracy > 0.9"));
    const double filter = double(clock.nsecsElapsed()) / 1e6;
    const int shown = window_->runBrowser()->table()->model()->rowCount();
    QVERIFY(shown > 0 && shown < 2000);
    qInfo() << "2,000 runs: switching to the store and listing them took" << open << "ms; an expression filter" << filter << "ms";
    window_->runBrowser()->setFilter({});
    // Grouped, with the group rows painted: by a setting, and as replicates (ε 1…7 and the
    // non-private runs: eight groups of seeds).
    for (const auto& [key, groups] : {std::pair{QString("privacy.mode"), 2}, std::pair{QString("replicates"), 8}}) {
      clock.restart();
      window_->runBrowser()->setGroupBy(key);
      window_->runBrowser()->grab();
      const double grouped = double(clock.nsecsElapsed()) / 1e6;
      QCOMPARE(window_->runBrowser()->table()->model()->rowCount(), groups);
      qInfo() << "2,000 runs grouped by" << key << "and painted:" << grouped << "ms";
      QVERIFY2(grouped < 1000, qPrintable(QString::number(grouped)));
    }
    window_->runBrowser()->setGroupBy({});
    QVERIFY(window_->switchStore(before));
  }
  void stopsAndResumesARun() {
    auto spec = shortSpec(11);
    spec.training.maxSteps = 600;
    QSignalSpy finished(window_.get(), &MainWindow::runFinished);
    window_->startExperiment(spec);
    auto* loss = window_->trainingView()->lossPlot();
    for (int i = 0; i < 400 && loss->pointCount() < 4; ++i) QTest::qWait(50);
    window_->stopExperiment();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().at(1).toString(), QString("killed"));
    const qlonglong id = finished.first().at(0).toLongLong();
    QCOMPARE(window_->runBrowser()->selectedRunIds(), QList<qlonglong>{id});
    auto* resume = window_->resumeAction();
    QVERIFY2(resume->isEnabled(), qPrintable(resume->toolTip()));
    finished.clear();
    resume->trigger();
    QVERIFY(!resume->isEnabled());  // while it runs
    for (int i = 0; i < 600 && finished.isEmpty(); ++i) finished.wait(500);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).toLongLong(), id);  // the same run goes on
    QCOMPARE(finished.first().at(1).toString(), QString("finished"));
    const auto record = RunStore(window_->storePath().toStdString(), true).run(id);
    QCOMPARE(record->status, std::string("finished"));
    QVERIFY(record->tags.count("resumed"));
    QCOMPARE(long(record->latestMetrics.count("test/accuracy")), 1L);
    QVERIFY(!resume->isEnabled());
    QVERIFY2(resume->toolTip().contains("finished"), qPrintable(resume->toolTip()));
  }
  void liraTrainsItsShadowsInTheProcessesAsked() {
    // The GUI asks how many processes train LiRA's shadows, starts trustlab-cli beside it for the
    // others, and keeps the shadows beside the run.
    auto spec = shortSpec(11);
    spec.model.type = "bag";
    spec.training.maxSteps = 20;
    spec.audit.shadows = 4;
    const qlonglong id = runAndWait(spec);
    QVERIFY(id > 0);
    QSignalSpy audited(window_.get(), &MainWindow::auditFinished);
    QTimer answer;
    bool asked = false;
    connect(&answer, &QTimer::timeout, [&] {
      if (auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget())) {
        asked = true;
        dialog->setIntValue(2);
        dialog->accept();
      }
    });
    answer.start(50);
    Q_EMIT window_->runBrowser()->auditRequested(id, "membership:lira");
    QVERIFY(audited.wait(120000));
    QVERIFY(asked);
    // The other process's two shadows were read, not trained here.
    QVERIFY2(audited.first().at(1).toString().contains("2 of 4 shadows"), qPrintable(audited.first().at(1).toString()));
    const QDir kept(window_->storePath() + ".artifacts/run-" + QString::number(id) + "/lira-shadows");
    QCOMPARE(kept.entryList({"shadow-*.json"}).size(), 4);
    QCOMPARE(QSettings().value("audit/lira_processes").toInt(), 2);
  }
  void cleanupTestCase() { window_.reset(); }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
