// views: runs a study (core/studies) on a worker thread (moved to a QThread by its owner). Its
// figures are drawn as the GUI draws them (PDF, SVG, PNG, CSV, pgfplots): the worker hands each to
// the GUI thread and waits. Stop is cooperative; a stopped study resumes where it left off.
#pragma once
#include <QObject>
#include <QString>
#include <atomic>

namespace trustlab {

class StudyWorker : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  void requestStop() { stop_ = true; }

 public Q_SLOTS:
  void run(const QString& study, const QString& size, const QString& outputDir, const QString& storePath);

 Q_SIGNALS:
  void message(const QString& text);
  /// `report`: the report.md written; `headlineJson`: the study's headline numbers.
  void finished(const QString& report, const QString& headlineJson, int ran, int reused, double seconds);
  void stopped();
  void failed(const QString& error);

 private:
  std::atomic<bool> stop_{false};
};

}  // namespace trustlab
