#include "distillation_worker.h"

#include <nlohmann/json.hpp>

namespace trustlab {

DistillationWorker::DistillationWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<trustlab::DistillationOutcome>();
}

void DistillationWorker::run(const QString& optionsJson, const QString& storePath) {
  stop_ = false;
  try {
    const auto j = nlohmann::json::parse(optionsJson.toStdString());
    DistillationRunOptions o;
    o.corpus = j.value("corpus", o.corpus);
    o.methods = j.value("methods", o.methods);
    o.distillation.training.epochs = j.value("epochs", o.distillation.training.epochs);
    o.teacher.epochs = j.value("teacher_epochs", o.teacher.epochs);
    o.distillation.mix = j.value("mix", o.distillation.mix);
    o.sentences = j.value("sentences", o.sentences);
    o.teacherModel = j.value("teacher_model", o.teacherModel);
    o.studentLayers = j.value("student_layers", o.studentLayers);
    o.corpusLines = j.value("corpus_lines", o.corpusLines);
    if (const auto task = j.value("downstream", std::string()); !task.empty()) {
      o.downstream = downstreamTask(task);
      o.downstream->training.maxSteps = j.value("downstream_steps", 0L);
    }
    RunStore store(storePath.toStdString());
    runDistillation(
        o, &store,
        [this](const std::string& phase, int epoch, int epochs, double loss) {
          Q_EMIT progress(tr("%1: epoch %2/%3, loss %4").arg(QString::fromStdString(phase)).arg(epoch).arg(epochs).arg(loss, 0, 'f', 4));
        },
        [this](const DistillationOutcome& r) { Q_EMIT studentReady(r); }, &stop_);
    Q_EMIT finished(stop_.load());
  } catch (const std::exception& e) {
    Q_EMIT failed(QString::fromStdString(e.what()));
  }
}

}  // namespace trustlab
