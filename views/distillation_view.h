// views: the Distillation page of the Fairness tab: choose a corpus (the generated default with
// its planted gender–occupation association, or a text file), a teacher (a GPT-2-family model
// folder, or a word-level LM trained here), the student's depth, and the methods (KD, CDA, teacher
// perturbation, both), run them off the GUI thread, and watch them fill in: gender disparity and
// perplexity of every student against the teacher in one plot, and prompts with their swapped
// twins and the teacher's and students' continuations side by side, gendered words highlighted,
// with the next-word gender polarity of each; filter and sort; export. With a downstream task each
// student's saved model is fine-tuned as a classifier and fairness-audited, and the students table
// and plot set its downstream disparity beside its generation disparity.
#pragma once
#include <QThread>
#include <QWidget>
#include <vector>

#include "experiment/distillation_run.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace trustlab {

class DistillationWorker;

class DistillationView : public QWidget {
  Q_OBJECT
 public:
  explicit DistillationView(QWidget* parent = nullptr);
  ~DistillationView() override;

  void setStorePath(const QString& path) { storePath_ = path; }
  /// Starts a run with these methods (all four when empty) and epochs.
  void start(const QStringList& methods = {}, int epochs = 0, int teacherEpochs = 0);
  void stop();
  bool isRunning() const { return running_; }
  /// The downstream task ("": none; a dataset name or file) and its fine-tune's steps (0: one epoch).
  void setDownstream(const QString& dataset, int steps);
  void addOutcome(const DistillationOutcome& outcome);

  QTableWidget* examples() const { return examples_; }
  QTableWidget* students() const { return students_; }
  QCustomPlot* plot() const { return plot_; }
  const std::vector<DistillationOutcome>& outcomes() const { return outcomes_; }
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 Q_SIGNALS:
  void runRequested(const QString& optionsJson, const QString& storePath);
  void runFinished(bool ok, const QString& message);

 private:
  void redrawPlot();
  void applyFilter();

  QString storePath_;
  void addStudentRow(const DistillationOutcome& outcome);

  QComboBox *corpus_, *teacher_, *downstream_;
  QCheckBox *kd_, *cda_, *perturb_, *both_;
  QSpinBox *epochs_, *teacherEpochs_, *studentLayers_, *downstreamSteps_;
  QPushButton *run_, *stop_;
  QLabel* status_;
  QCustomPlot* plot_;
  QLineEdit* filter_;
  QTableWidget *students_, *examples_;
  std::vector<DistillationOutcome> outcomes_;
  QThread thread_;
  DistillationWorker* worker_;
  bool running_ = false;
};

}  // namespace trustlab
