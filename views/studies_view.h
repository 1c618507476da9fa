// views: the Studies page. Pick a study and its size (from the registries) and a report folder;
// Run trains its grid on a worker thread (resuming what the store holds), Stop halts it between
// points. The log follows the runs; the finished report.md is shown with its figures, the
// headline numbers under it, and, for a study that writes a per-run table, any pair of its columns.
#pragma once
#include <QThread>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTextBrowser;

namespace trustlab {

class PairExplorer;
class StudyWorker;

class StudiesView : public QWidget {
  Q_OBJECT
 public:
  explicit StudiesView(QWidget* parent = nullptr);
  ~StudiesView() override;
  void setStorePath(const QString& path) { storePath_ = path; }
  QString outputFolder() const;
  void setOutputFolder(const QString& dir);
  /// Selects a size by name (studySizeRegistry); false when there is none of that name.
  bool setSize(const QString& name);
  /// Chooses study `name` (a studyRegistry() name); false when there is none.
  bool setStudy(const QString& name);
  /// The report shown (empty before one is written).
  QString shownReport() const;
  bool isRunning() const { return running_; }
  /// Any two columns of the report's per-run table (its tab disabled when the study writes none).
  PairExplorer* pairExplorer() const { return pairs_; }

 public Q_SLOTS:
  void start();
  void stop();
  /// Shows a report folder's report.md with its figures.
  void showReport(const QString& reportPath);

 Q_SIGNALS:
  void runStudy(const QString& study, const QString& size, const QString& outputDir, const QString& storePath);
  /// A study finished or stopped: its runs are in the store.
  void runsChanged();

 private:
  /// The full design is the default: its folder and log line carry no size.
  bool isFull() const;
  void setRunning(bool on);
  void suggestFolder();

  QComboBox* study_;
  QComboBox* size_;
  QLineEdit* folder_;
  QPushButton* browse_;
  QPushButton* run_;
  QPushButton* stop_;
  QLabel* about_;
  QPlainTextEdit* log_;
  QTextBrowser* report_;
  QTabWidget* results_;  ///< the report, and any pair of the per-run table
  PairExplorer* pairs_;
  QString storePath_;
  bool running_ = false;
  QThread thread_;
  StudyWorker* worker_;
};

}  // namespace trustlab
