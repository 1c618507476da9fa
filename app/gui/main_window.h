// app/gui: the TrustLab main window: a toolbar (Start/Stop, with why Start is disabled), the
// experiment designer dock (left), the question tabs (top centre) over the run table and the
// inspector (bottom, in splitters whose sizes are saved). Training runs in a TrainingWorker on
// its own QThread; every file operation reports failure in a box (message_box.h), never throws.
#pragma once
#include <QFutureWatcher>
#include <QLabel>
#include <QMainWindow>
#include <QTabWidget>
#include <QThread>
#include <QTimer>

#include "spec/experiment_spec.h"
#include "audits/audit.h"
#include "export_dialog.h"
#include "federated/partition.h"

class QAction;
class QSplitter;

namespace trustlab {

class DesignerWidget;
class TrainingView;
class RunBrowser;
class RunInspector;
class TrainingWorker;
class ResponsivenessProbe;
class PrivacyPanel;
class TradeoffView;
class FederatedView;
class FairnessView;
class DistillationView;
class CompareView;
class InspectView;
class StudiesView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  enum class RunsFormat { Mlflow, TensorBoard };
  explicit MainWindow(const QString& storePath, QWidget* parent = nullptr);
  ~MainWindow() override;

  DesignerWidget* designer() const { return designer_; }
  TrainingView* trainingView() const { return training_; }
  RunBrowser* runBrowser() const { return browser_; }
  ResponsivenessProbe* probe() const { return probe_; }
  PrivacyPanel* privacyPanel() const { return privacy_; }
  TradeoffView* tradeoffView() const { return tradeoff_; }
  FederatedView* federatedView() const { return federated_; }
  FairnessView* fairnessView() const { return fairness_; }
  DistillationView* distillationView() const { return distillation_; }
  StudiesView* studiesView() const { return studies_; }
  CompareView* compareView() const { return compare_; }
  InspectView* inspectView() const { return inspect_; }
  RunInspector* inspector() const { return inspector_; }
  QAction* startAction() const { return startAction_; }
  QAction* stopAction() const { return stopAction_; }
  /// Continues the selected run when it was stopped or killed with a saved state (its tooltip
  /// says why not otherwise).
  QAction* resumeAction() const { return resumeAction_; }
  /// What the toolbar says beside a disabled Start (empty when the spec can run).
  QString startBlockedReason() const { return startReason_->toolTip(); }
  bool isRunning() const { return running_; }
  /// Help → Plugins: the search path, what each plugin added, why any was skipped (HTML).
  static QString pluginsText();
  QString storePath() const { return storePath_; }

 public Q_SLOTS:
  void startExperiment(const trustlab::ExperimentSpec& spec);
  void stopExperiment();
  /// Continues stopped or killed run `runId` from its last saved state (Run → Resume).
  void resumeExperiment(qlonglong runId);
  /// File → Export plots without the dialog: the tab in view to `request`; false (and a box
  /// naming the file and the reason) when it failed.
  bool exportCurrentTab(const trustlab::ExportRequest& request);
  /// File → Export runs: the selected runs (all when none) as an MLflow file store or
  /// TensorBoard event files under `dir`; false (and a box saying why) when it failed.
  bool exportRuns(RunsFormat format, const QString& dir);
  /// File → Report: report.md of the selected runs (all when none) in `dir`, its figures
  /// rendered as every plot is exported; false (and a box saying why) when it failed.
  bool writeReport(const QString& dir);
  /// Saves the designer's spec; false (and a box) when the file cannot be written.
  bool saveSpecTo(const QString& path);
  /// Switches to another run store; a file that is no store is refused with a box.
  bool switchStore(const QString& path);

 Q_SIGNALS:
  void runFinished(qlonglong runId, const QString& status, double testAccuracy);
  void runFailed(const QString& error);
  void auditFinished(qlonglong runId, const QString& summary);
  void partitionPreviewed(const QString& summaryOrError);
  void startRun(const QString& specJson, const QString& storePath);
  void resumeRun(qlonglong runId, const QString& storePath);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void buildToolBar();
  void updateRunActions();
  /// The tab in view's export (its name for the dialog in *title).
  ExportWriter currentTabExport(QString* title) const;
  void openSpec();
  void saveSpec();
  void openStore();
  void exportPlots();
  /// Audits a stored run off the GUI thread. kind: an auditRegistry() name, or "name:argument"
  /// (the membership attack, a WEAT test file); a file the audit needs is asked for.
  void auditRun(qlonglong runId, const QString& kind);
  /// Loads the designer's data and shows its federated partition, off the GUI thread.
  void previewPartition();
  /// Gives the Privacy tab the designed experiment's workload; N is read off the GUI thread
  /// when the dataset changes.
  void followExperimentInPrivacyTab();
  void onFinished(qlonglong runId, const QString& status, double testAccuracy, double testMacroF1, double seconds);
  void onFailed(const QString& error, bool badInput);

  QString storePath_;
  QTabWidget* tabs_;
  QSplitter* centre_;  ///< the tabs over the runs
  QSplitter* runsSplitter_;  ///< the run table beside the inspector
  QAction *startAction_, *stopAction_, *resumeAction_;
  QLabel* startReason_;
  QLabel* storeLabel_;
  DesignerWidget* designer_;
  TrainingView* training_;
  RunBrowser* browser_;
  RunInspector* inspector_;
  PrivacyPanel* privacy_;
  TradeoffView* tradeoff_;
  FederatedView* federated_;
  FairnessView* fairness_;
  DistillationView* distillation_;
  CompareView* compare_;
  InspectView* inspect_;
  StudiesView* studies_;
  QTabWidget* fairnessTabs_;  ///< classifier audit and distillation
  QTimer* federatedRefresh_;  ///< coalesces live redraws of the Federated tab
  qlonglong liveRun_ = 0;
  ResponsivenessProbe* probe_;
  QThread workerThread_;
  TrainingWorker* worker_;
  bool running_ = false;
  struct AuditJob {
    AuditOutcome outcome;
    QString error;
  };
  QFutureWatcher<AuditJob> auditWatcher_;
  qlonglong auditedRun_ = 0;
  struct PartitionPreviewResult {
    PartitionStats stats;
    QString description, error;
  };
  QFutureWatcher<PartitionPreviewResult> previewWatcher_;
  struct DatasetSize {
    QString key;  ///< dataset, format and columns it was read with
    long trainExamples = 0;
    QString error;
  };
  QFutureWatcher<DatasetSize> sizeWatcher_;
  DatasetSize sized_;  ///< the last answer
  QTimer* workloadTimer_;  ///< coalesces designer edits
};

}  // namespace trustlab
