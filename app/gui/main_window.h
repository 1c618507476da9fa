// app/gui: the TrustLab main window: designer dock (left), question tabs (centre), run browser
// (bottom), inspector (right). Training runs in a TrainingWorker on its own QThread.
#pragma once
#include <QFutureWatcher>
#include <QMainWindow>
#include <QTabWidget>
#include <QThread>
#include <QTimer>

#include "spec/experiment_spec.h"
#include "audits/audit.h"
#include "federated/partition.h"

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

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
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
  bool isRunning() const { return running_; }
  /// Help → Plugins: the search path, what each plugin added, why any was skipped (HTML).
  static QString pluginsText();
  QString storePath() const { return storePath_; }

 public Q_SLOTS:
  void startExperiment(const trustlab::ExperimentSpec& spec);
  void stopExperiment();

 Q_SIGNALS:
  void runFinished(qlonglong runId, const QString& status, double testAccuracy);
  void runFailed(const QString& error);
  void auditFinished(qlonglong runId, const QString& summary);
  void partitionPreviewed(const QString& summaryOrError);
  void startRun(const QString& specJson, const QString& storePath);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void openSpec();
  void saveSpec();
  void openStore();
  void exportPlots();
  /// Audits a stored run off the GUI thread. kind: an auditRegistry() name, or "name:argument"
  /// (the membership attack, a WEAT test file); a file the audit needs is asked for.
  void auditRun(qlonglong runId, const QString& kind);
  /// Loads the designer's data and shows its federated partition, off the GUI thread.
  void previewPartition();
  void onFinished(qlonglong runId, const QString& status, double testAccuracy, double testMacroF1, double seconds);
  void onFailed(const QString& error, bool badInput);

  QString storePath_;
  DesignerWidget* designer_;
  TrainingView* training_;
  RunBrowser* browser_;
  RunInspector* inspector_;
  PrivacyPanel* privacy_;
  TradeoffView* tradeoff_;
  FederatedView* federated_;
  FairnessView* fairness_;
  DistillationView* distillation_;
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
};

}  // namespace trustlab
