// views: the Training tab: live loss and accuracy curves (train solid, valid dashed, one colour
// per run), progress with ETA, and stored runs overlaid from the run browser.
#pragma once
#include <QMap>
#include <QPair>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace trustlab {

class MetricPlot;

class TrainingView : public QWidget {
  Q_OBJECT
 public:
  explicit TrainingView(QWidget* parent = nullptr);
  MetricPlot* lossPlot() const { return loss_; }
  MetricPlot* accuracyPlot() const { return accuracy_; }
  MetricPlot* epsilonPlot() const { return epsilon_; }
  /// Exports both plots as `<folder>/loss.*` and `<folder>/accuracy.*`.
  QStringList exportAll(const QString& folder, double widthPt, double heightPt);

 public Q_SLOTS:
  void beginLiveRun();
  void addMetric(qlonglong runId, const QString& key, qlonglong step, double value);
  void setProgress(qlonglong step, qlonglong total, int epoch, int epochs, double elapsed, double eta);
  void setStatus(const QString& text);
  /// Replaces the plots' content with the stored history of `runIds`.
  void showStoredRuns(const QList<qlonglong>& runIds, const QString& storePath);

 private:
  struct Target {
    MetricPlot* plot = nullptr;
    int series = -1;
  };
  Target seriesFor(qlonglong runId, const QString& key);
  void clear();

  MetricPlot* loss_;
  MetricPlot* accuracy_;
  MetricPlot* epsilon_;  ///< privacy spent (private runs only)
  QProgressBar* progress_;
  QLabel* status_;
  QMap<QPair<qlonglong, QString>, Target> series_;
  QMap<qlonglong, int> runColours_;
};

}  // namespace trustlab
