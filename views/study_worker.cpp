#include "study_worker.h"

#include <QCoreApplication>
#include <QtGlobal>

#include "metric_plot.h"
#include "studies/study.h"

namespace trustlab {

void StudyWorker::run(const QString& study, const QString& size, const QString& outputDir, const QString& storePath) {
  stop_ = false;
  try {
    RunStore store(storePath.toStdString());
    StudyOptions o;
    o.store = &store;
    o.size = studySizeRegistry().at(size.toStdString());
    o.outputDir = outputDir.toStdString();
    o.stop = &stop_;
    o.qtVersion = qVersion();
    o.progress = [this](const std::string& m) { Q_EMIT message(QString::fromStdString(m)); };
    o.figure = [](const PlotDescription& d, const std::string& base) {
      std::vector<std::string> files;
      std::string error;
      // Widgets live on the GUI thread: draw there and wait (this thread is not the GUI's); a
      // failure comes back here, never out of the GUI thread's event loop.
      QMetaObject::invokeMethod(
          qApp,
          [&] {
            try {
              files = renderFigure(d, base);
            } catch (const std::exception& e) {
              error = e.what();
            }
          },
          Qt::BlockingQueuedConnection);
      if (!error.empty()) throw std::runtime_error(error);
      return files;
    };
    const auto out = runStudy(study.toStdString(), o);
    if (out.cancelled) {
      Q_EMIT stopped();
      return;
    }
    Q_EMIT finished(QString::fromStdString(out.files.front()), QString::fromStdString(out.headlineJson), out.ran,
                    out.reused, out.seconds);
  } catch (const std::exception& e) {
    Q_EMIT failed(QString::fromStdString(e.what()));
  }
}

}  // namespace trustlab
