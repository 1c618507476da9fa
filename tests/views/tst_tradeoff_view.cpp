// Tests the tradeoff view: it runs a sweep in the background (stopped and resumed without
// redoing finished points), fills in utility, leakage and ROC plots with the DP bound, the ε
// slider reports interpolated values and σ, any swept field goes on x, the sweep editor builds
// grids and random searches over any field, every plot exports, and a screenshot is saved.
#include <QtTest>
#include <QtWidgets>
#include <qcustomplot.h>

#include "responsiveness_probe.h"
#include "sweep_editor.h"
#include "tradeoff_view.h"

using namespace trustlab;

class TestTradeoffView : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<TradeoffView> view_;

  /// A tiny sweep `name` over `grid` (JSON members), written next to the store.
  QString writeSweep(const QString& name, const char* grid) const {
    QFile spec(dir_.path() + "/" + name + ".json");
    spec.open(QIODevice::WriteOnly);
    spec.write(QString(R"({"name": "%1", "base": {"model": {"type": "bag", "embedding_dim": 8},
                   "training": {"max_steps": 5, "batch_size": 64, "eval_every": 0}}, "grid": {%2}})")
                   .arg(name, grid).toUtf8());
    return spec.fileName();
  }
  /// Runs the sweep at `path` into the view's store from outside the view (as the CLI would).
  void runElsewhere(const QString& path) const {
    RunStore store((dir_.path() + "/runs.sqlite").toStdString());
    SweepOptions o;
    o.store = &store;
    runSweep(SweepSpec::fromFile(path.toStdString()), o);
  }

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("TrustLabTest");
    QSettings().clear();
    QFile spec(dir_.path() + "/sweep.json");
    QVERIFY(spec.open(QIODevice::WriteOnly));
    spec.write(R"({"name": "view",
      "base": {"model": {"type": "bag", "embedding_dim": 16},
               "training": {"max_steps": 20, "batch_size": 128, "eval_every": 0, "lr": 0.01},
               "audit": {"mia": "loss", "audit_examples": 100}},
      "grid": {"target_epsilon": ["inf", 1, 8], "seed": [1, 2]}})");
    spec.close();
    view_ = std::make_unique<TradeoffView>();
    view_->resize(1300, 800);
    view_->setStorePath(dir_.path() + "/runs.sqlite");
    QVERIFY(view_->openSweep(spec.fileName()));
    view_->show();
    QVERIFY(QTest::qWaitForWindowExposed(view_.get()));
  }
  void badSpecIsReported() {
    QFile bad(dir_.path() + "/bad.json");
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"grid": {"target_epsilon": [0]}})");
    bad.close();
    QVERIFY(!view_->openSweep(bad.fileName()));
    QVERIFY(view_->status()->text().contains("target_epsilon"));
  }
  void runsStopsAndResumesInTheBackground() {
    QVERIFY(view_->openSweep(dir_.path() + "/sweep.json"));
    QSignalSpy finished(view_.get(), &TradeoffView::sweepFinished);
    view_->startSweep();
    QVERIFY(view_->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!view_->cells().empty(), 120000);  // fills in live
    view_->stopSweep();
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    int before = 0;
    for (const auto& c : view_->cells()) before += c.runs;
    QVERIFY(before < 6);
    ResponsivenessProbe probe;
    view_->startSweep();
    QVERIFY(finished.wait(300000));
    QCOMPARE(finished.takeFirst().at(0).toBool(), false);
    // Sweeping (training, auditing, storing, the plots refilled after each run) leaves the GUI
    // thread free.
    qInfo() << "GUI thread longest block while sweeping:" << probe.maxBlockedMs() << "ms";
    QVERIFY2(probe.maxBlockedMs() < 50, qPrintable(QString::number(probe.maxBlockedMs())));
    QVERIFY(view_->status()->text().contains(QString("%1 already done").arg(before)));
    QCOMPARE(view_->cells().size(), size_t(3));
    for (const auto& c : view_->cells()) QCOMPARE(c.runs, 2);
  }
  void plotsShowSeriesRocAndBound() {
    QVERIFY(view_->utilityPlot()->graphCount() >= 2);  // accuracy and its non-private line at least
    QVERIFY(view_->leakagePlot()->graphCount() >= 2);
    QCOMPARE(view_->utilityPlot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    int bounds = 0, curves = 0;
    for (int i = 0; i < view_->rocPlot()->graphCount(); ++i) {
      const auto name = view_->rocPlot()->graph(i)->name();
      bounds += name.contains("DP bound");
      curves += name.contains("(loss)");
    }
    QCOMPARE(bounds, 2);
    QCOMPARE(curves, 3);
    // The loss attack's empirical ε at ε = 1 and 8, its non-private line and y = x; no bound may
    // lie above the theoretical ε (a privacy bug).
    QStringList names;
    for (int i = 0; i < view_->empiricalEpsilonPlot()->graphCount(); ++i) {
      const auto* g = view_->empiricalEpsilonPlot()->graph(i);
      names << g->name();
      if (g->name() != "empirical ε (loss)") continue;
      QCOMPARE(g->dataCount(), 2);
      for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        QVERIFY2(it->value <= it->key, qPrintable(QString("ε %1: empirical %2").arg(it->key).arg(it->value)));
    }
    QVERIFY2(names.contains("empirical ε (loss)") && names.contains("empirical ε (loss) (ε = ∞)") &&
                 names.contains("theoretical ε (y = x)"),
             qPrintable(names.join(", ")));
  }
  void sliderReportsInterpolationAndSigma() {
    view_->epsilonSlider()->setValue(view_->epsilonSlider()->maximum() / 2);  // √(1·8) ≈ 2.83
    const auto text = view_->readout()->text();
    QVERIFY2(text.contains("ε = 2.83"), qPrintable(text));
    QVERIFY2(text.contains("accuracy: 0."), qPrintable(text));
    QVERIFY2(text.contains("needs σ = "), qPrintable(text));
  }
  void editsASweepOverAnyField() {
    ExperimentSpec base;
    base.name = "from-designer";
    base.audit.canaries = 2;
    SweepEditor editor(base);
    QVERIFY2(editor.summaryText().startsWith("15 run"), qPrintable(editor.summaryText()));  // ε × 3 seeds
    editor.addAxis({"training.lr", "1e-3, 3e-3", false});
    QVERIFY2(editor.summaryText().startsWith("30 run"), qPrintable(editor.summaryText()));
    editor.addAxis({"training.lrr", "1", false});  // a typo is named, with the field it resembles
    QVERIFY2(editor.summaryText().contains("training.lr?"), qPrintable(editor.summaryText()));
    editor.axisTable()->removeRow(2);
    editor.seedsEdit()->setText("1, x");
    QVERIFY2(editor.summaryText().contains("seeds"), qPrintable(editor.summaryText()));
    editor.seedsEdit()->setText("1 2");
    editor.searchBox()->setCurrentIndex(1);  // random search over a range
    editor.clearAxes();
    editor.addAxis({"training.lr", "1e-4 .. 1e-2", true});
    editor.addAxis({"privacy.target_epsilon", "inf, 2", false});
    editor.samplesBox()->setValue(4);
    for (int i = 0; i < editor.auditList()->count(); ++i)
      if (editor.auditList()->item(i)->text() == "fairness") editor.auditList()->item(i)->setCheckState(Qt::Checked);
    QVERIFY2(editor.summaryText().startsWith("8 run"), qPrintable(editor.summaryText()));
    QVERIFY(view_->saveSweep(editor.sweep(), dir_.path() + "/new.json"));
    const auto s = SweepSpec::fromFile((dir_.path() + "/new.json").toStdString());
    QVERIFY(s.random);
    QCOMPARE(s.audits, std::vector<std::string>{"fairness"});
    QCOMPARE(s.base.audit.canaries, 2);
    for (const auto& p : expandSweep(s)) QVERIFY(p.spec.training.lr >= 1e-4 && p.spec.training.lr <= 1e-2);
    QVERIFY(view_->openSweep(dir_.path() + "/sweep.json"));
  }
  void plotsAnySweptFieldOnX() {
    const QString spec = writeSweep("lr", R"("training.lr": [0.001, 0.01, 0.1], "target_epsilon": ["inf", 2])");
    runElsewhere(spec);
    QVERIFY(view_->openSweep(spec));
    QCOMPARE(view_->cells().size(), size_t(6));
    QVERIFY(view_->xAxisBox()->findText("training.lr") >= 0);
    QVERIFY(view_->setXAxis("training.lr"));
    // One group per ε; accuracy against lr at its three values, on a log axis (lr spans 100×).
    QCOMPARE(view_->utilityPlot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(view_->utilityPlot()->xAxis->label().startsWith("training.lr"));
    QCOMPARE(view_->utilityPlot()->graph(0)->dataCount(), 3);
    QVERIFY(!view_->epsilonSlider()->isEnabled());
    QVERIFY(view_->setXAxis("ε"));
    QVERIFY(view_->epsilonSlider()->isEnabled());
    QVERIFY(view_->openSweep(dir_.path() + "/sweep.json"));
  }
  void picksUpASweepRunElsewhere() {
    // trustlab-cli sweep on the same store: the open tab polls and fills in by itself.
    const QString spec = writeSweep("external", R"("target_epsilon": ["inf", 2])");
    QVERIFY(view_->openSweep(spec));
    QVERIFY(view_->cells().empty());
    runElsewhere(spec);
    QTRY_COMPARE_WITH_TIMEOUT(view_->cells().size(), size_t(2), 15000);
    QVERIFY(view_->openSweep(dir_.path() + "/sweep.json"));
  }
  void exportsAndScreenshot() {
    const auto written = view_->exportAll(dir_.path() + "/tradeoff", 241, 170);
    QCOMPARE(written.size(), 20);  // 4 plots × pdf, svg, png, csv, tex
    for (const auto& f : written) QVERIFY2(QFileInfo(f).size() > 0, qPrintable(f));
    QDir().mkpath(TRUSTLAB_TEST_OUTPUT_DIR);
    QVERIFY(view_->grab().save(QString(TRUSTLAB_TEST_OUTPUT_DIR) + "/tradeoff_view.png"));
  }
};

QTEST_MAIN(TestTradeoffView)
#include "tst_tradeoff_view.moc"
