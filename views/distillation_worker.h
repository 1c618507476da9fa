// views: runs role-reversal distillation on a worker thread (moved to a QThread by its owner):
// each student is announced as soon as it is distilled so the view fills in live. Stop is
// cooperative (checked between batches).
#pragma once
#include <QMetaType>
#include <QObject>
#include <QString>
#include <atomic>

#include "experiment/distillation_run.h"

Q_DECLARE_METATYPE(trustlab::DistillationOutcome)

namespace trustlab {

class DistillationWorker : public QObject {
  Q_OBJECT
 public:
  explicit DistillationWorker(QObject* parent = nullptr);
  void requestStop() { stop_ = true; }

 public Q_SLOTS:
  /// `optionsJson`: corpus, methods, epochs, teacher_epochs, mix, teacher_model, student_layers
  /// (see DistillationView).
  void run(const QString& optionsJson, const QString& storePath);

 Q_SIGNALS:
  void progress(const QString& text);
  void studentReady(const trustlab::DistillationOutcome& outcome);
  void finished(bool cancelled);
  void failed(const QString& error);

 private:
  std::atomic<bool> stop_{false};
};

}  // namespace trustlab
