#include "sweep_worker.h"

#include <QtGlobal>

#include "experiment/sweep.h"
#include "util/errors.h"

namespace trustlab {

void SweepWorker::run(const QString& sweepPath, const QString& storePath) {
  stop_ = false;
  try {
    const auto sweep = SweepSpec::fromFile(sweepPath.toStdString());
    RunStore store(storePath.toStdString());
    SweepOptions o;
    o.store = &store;
    o.stop = &stop_;
    o.qtVersion = qVersion();
    o.onMessage = [this](const std::string& m) { Q_EMIT message(QString::fromStdString(m)); };
    o.onPointDone = [this](const SweepPoint&, int index, int total, long long runId, bool reused) {
      Q_EMIT pointDone(index, total, runId, reused);
    };
    const auto out = runSweep(sweep, o);
    Q_EMIT finished(out.cancelled, out.ran, out.reused, out.seconds);
  } catch (const InputError& e) {
    Q_EMIT failed(QString::fromStdString(e.what()), true);
  } catch (const std::exception& e) {
    Q_EMIT failed(QString::fromStdString(e.what()), false);
  }
}

}  // namespace trustlab
