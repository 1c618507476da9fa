#include "training_worker.h"

#include <QDir>
#include <QTemporaryFile>
#include <QThread>
#include <QtGlobal>
#include <algorithm>
#include <memory>

#include "cli_helpers.h"
#include "experiment/runner.h"
#include "federated/local_ranks.h"
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

/// A federated spec with processes > 1: starts ranks 1..N−1 as `trustlab-cli fl SPEC --worker`
/// on the spec written to `specFile`; returns this rank's place.
std::unique_ptr<LocalRanks> startOtherRanks(const ExperimentSpec& spec, QTemporaryFile& specFile, Rendezvous& master) {
  if (!specFile.open() || specFile.write(QByteArray::fromStdString(spec.toJson())) < 0 || !specFile.flush())
    throw std::runtime_error("cannot write the spec for the other processes to " + specFile.fileName().toStdString());
  master.worldSize = spec.federated.processes;
  master.port = LocalRanks::freePort();
  return startCliHelpers({"fl", specFile.fileName().toStdString()}, master, "federated.processes");
}

}  // namespace

void TrainingWorker::execute(const QString& storePath, const std::function<RunOutcome(RunOptions&)>& start) {
  stop_ = false;
  try {
    RunStore store(storePath.toStdString());
    SignalObserver observer(this);
    RunOptions options;
    options.store = &store;
    options.observers = {&observer};
    options.stop = &stop_;
    options.qtVersion = qVersion();
    const auto out = start(options);
    Q_EMIT finished(out.runId, QString::fromStdString(out.status), out.test.accuracy, out.test.macroF1,
                    out.training.seconds);
  } catch (const InputError& e) {
    Q_EMIT failed(QString::fromStdString(e.what()), true);
  } catch (const std::exception& e) {
    Q_EMIT failed(QString::fromStdString(e.what()), false);
  }
}

void TrainingWorker::run(const QString& specJson, const QString& storePath) {
  execute(storePath, [&](RunOptions& options) {
    auto spec = ExperimentSpec::fromJson(specJson.toStdString(), "experiment designer");
    // Leave one core to the GUI thread so the window stays responsive while training; several
    // processes share the others.
    const int processes = spec.federated.enabled ? spec.federated.processes : 1;
    if (spec.training.threads == 0) spec.training.threads = std::max(1, (QThread::idealThreadCount() - 1) / processes);
    QTemporaryFile specFile(QDir::temp().filePath("trustlab-spec-XXXXXX.json"));
    Rendezvous master;
    const auto otherRanks = processes > 1 ? startOtherRanks(spec, specFile, master) : nullptr;
    if (otherRanks) options.rendezvous = master;
    const auto out = runExperiment(spec, options);
    if (otherRanks) otherRanks->wait();
    return out;
  });
}

void TrainingWorker::resume(qlonglong runId, const QString& storePath) {
  execute(storePath, [&](RunOptions& options) { return resumeExperiment(runId, options); });
}

}  // namespace trustlab
