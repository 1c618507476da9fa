// views: runs a sweep on a worker thread (moved to a QThread by its owner): each finished grid
// point is announced so the tradeoff view can fill in live. Stop is cooperative; a stopped or
// crashed sweep resumes where it left off when run again (finished points are not redone).
#pragma once
#include <QObject>
#include <QString>
#include <atomic>

namespace trustlab {

class SweepWorker : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  void requestStop() { stop_ = true; }

 public Q_SLOTS:
  void run(const QString& sweepPath, const QString& storePath);

 Q_SIGNALS:
  void pointDone(int index, int total, qlonglong runId, bool reused);
  void message(const QString& text);
  void finished(bool cancelled, int ran, int reused, double seconds);
  void failed(const QString& error, bool badInput);

 private:
  std::atomic<bool> stop_{false};
};

}  // namespace trustlab
