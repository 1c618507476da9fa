// views: the Inspect tab, LIT's core for TrustLab's classifiers: for the run chosen in the run
// table, type an utterance (or pick one of its test examples) and see the predicted label with
// the probabilities of the likeliest classes, each token shaded by its saliency for that label
// (integrated gradients or gradient × input: orange for, blue against), and its gender-swapped
// counterfactual side by side with the same. Model loading and saliency run off the GUI thread.
#pragma once
#include <QFutureWatcher>
#include <QWidget>
#include <memory>
#include <vector>

#include "inspection/model_inspector.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;

namespace trustlab {

enum class SaliencyKind { IntegratedGradients, GradientTimesInput };

/// A prediction as HTML: the text with its tokens shaded by `kind` (scaled to `scale`, the
/// largest magnitude shown beside it), swapped words underlined, then the likeliest classes.
QString predictionHtml(const Prediction& p, const std::vector<std::string>& labels, SaliencyKind kind, double scale,
                       const std::vector<std::pair<size_t, size_t>>& swapped = {});

class InspectView : public QWidget {
  Q_OBJECT
 public:
  explicit InspectView(QWidget* parent = nullptr);
  ~InspectView() override;
  /// The run whose model answers (its test examples are offered); 0: none.
  void setRun(qlonglong runId, const QString& storePath);
  /// Classifies `text` with the current run (off the GUI thread); emits inspected or failed.
  void inspect(const QString& text);
  QLineEdit* textEdit() const { return text_; }
  QComboBox* exampleBox() const { return examples_; }
  QTextBrowser* originalView() const { return original_; }
  QTextBrowser* counterfactualView() const { return counterfactual_; }
  bool isBusy() const { return watcher_.isRunning(); }
  /// The shown prediction(s): <base>-inspect.html (both panes) and <base>-inspect-saliency.csv
  /// (every token's scores); nothing before a prediction. Throws naming a file it cannot write.
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 Q_SIGNALS:
  void inspected(const QString& label);
  void failed(const QString& message);

 private:
  struct Job {
    std::shared_ptr<const ModelInspector> inspector;
    Inspection result;
    std::vector<Example> examples;  ///< filled when a run's model was loaded
    QString error;
  };
  void render();
  void onJobDone();

  QLabel* runLabel_;
  QLineEdit* text_;
  QComboBox *examples_, *kind_;
  QCheckBox *saliency_, *counterfactualBox_;
  QPushButton* predict_;
  QTextBrowser *original_, *counterfactual_;
  QLabel* status_;
  qlonglong runId_ = 0;
  QString storePath_;
  std::shared_ptr<const ModelInspector> inspector_;  ///< of runId_, once loaded
  std::optional<Inspection> shown_;
  QFutureWatcher<Job> watcher_;
};

}  // namespace trustlab
