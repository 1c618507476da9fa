#include "training_worker.h"

#include <QThread>
#include <QtGlobal>
#include <algorithm>

#include "experiment/runner.h"
#include "util/errors.h"

namespace trustlab {
namespace {

/// Forwards core training events as the worker's signals (queued to receivers on other threads).
class SignalObserver : public TrainingObserver {
 public:
  explicit SignalObserver(TrainingWorker* w) : w_(w) {}
  void onMetric(const MetricEvent& e) override {
    if (!started_) {
      started_ = true;
      Q_EMIT w_->runStarted(e.runId);
    }
    Q_EMIT w_->metricLogged(e.runId, QString::fromStdString(e.key), e.step, e.value);
  }
  void onProgress(const ProgressEvent& p) override {
    Q_EMIT w_->progress(p.step, p.totalSteps, p.epoch, p.epochs, p.elapsedSeconds, p.etaSeconds);
  }
  void onMessage(const std::string& m) override { Q_EMIT w_->message(QString::fromStdString(m)); }

 private:
  TrainingWorker* w_;
  bool started_ = false;
};

}  // namespace

void TrainingWorker::run(const QString& specJson, const QString& storePath) {
  stop_ = false;
  try {
    auto spec = ExperimentSpec::fromJson(specJson.toStdString(), "experiment designer");
    // Leave one core to the GUI thread so the window stays responsive while training.
    if (spec.training.threads == 0) spec.training.threads = std::max(1, QThread::idealThreadCount() - 1);
    RunStore store(storePath.toStdString());
    SignalObserver observer(this);
    RunOptions options;
    options.store = &store;
    options.observers = {&observer};
    options.stop = &stop_;
    options.qtVersion = qVersion();
    const auto out = runExperiment(spec, options);
    Q_EMIT finished(out.runId, QString::fromStdString(out.status), out.test.accuracy, out.test.macroF1,
                    out.training.seconds);
  } catch (const InputError& e) {
    Q_EMIT failed(QString::fromStdString(e.what()), true);
  } catch (const std::exception& e) {
    Q_EMIT failed(QString::fromStdString(e.what()), false);
  }
}

}  // namespace trustlab
