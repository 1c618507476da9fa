// views: runs one experiment on a worker thread (moved to a QThread by its owner) and reports
// metrics, progress and the outcome through queued signals. Stop is cooperative: requestStop()
// may be called from any thread; the trainer checks it between steps.
#pragma once
#include <QObject>
#include <QString>
#include <atomic>
#include <functional>

namespace trustlab {

struct RunOptions;
struct RunOutcome;

class TrainingWorker : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  void requestStop() { stop_ = true; }

 public Q_SLOTS:
  /// Runs `specJson` recording into the store at `storePath`. Emits finished or failed.
  void run(const QString& specJson, const QString& storePath);
  /// Continues stopped or killed run `runId` of the store at `storePath` from its saved state.
  void resume(qlonglong runId, const QString& storePath);

 Q_SIGNALS:
  void runStarted(qlonglong runId);
  void metricLogged(qlonglong runId, const QString& key, qlonglong step, double value);
  void progress(qlonglong step, qlonglong totalSteps, int epoch, int epochs, double elapsed, double eta);
  void message(const QString& text);
  void finished(qlonglong runId, const QString& status, double testAccuracy, double testMacroF1, double seconds);
  void failed(const QString& error, bool badInput);

 private:
  /// Runs `start` (which begins or resumes a run with the options it is given) and reports the
  /// outcome as finished or failed.
  void execute(const QString& storePath, const std::function<RunOutcome(RunOptions&)>& start);
  std::atomic<bool> stop_{false};
};

}  // namespace trustlab
