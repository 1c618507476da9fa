// views: the Training tab: live loss, accuracy and (private runs) ε curves side by side (train
// solid, valid dashed, one colour per run, legends naming the runs), progress with ETA, and stored
// runs overlaid from the run browser, coloured by run or by any setting that differs between them
// (runs sharing a value share a colour, the value in their legend entry).
#pragma once
#include <QMap>
#include <QPair>
#include <QWidget>

class QComboBox;
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
  /// "Colour by": "run", or a setting that differs between the overlaid runs ("training.lr").
  QComboBox* colourByBox() const { return colourBy_; }
  /// Exports the plots as `<basePath>-loss.*`, `-accuracy.*` and (private runs) `-epsilon.*`.
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 public Q_SLOTS:
  /// Clears the plots for a run about to start; `runName` labels its series.
  void beginLiveRun(const QString& runName = {});
  void addMetric(qlonglong runId, const QString& key, qlonglong step, double value);
  void setProgress(qlonglong step, qlonglong total, int epoch, int epochs, double elapsed, double eta);
  void setStatus(const QString& text);
  QString status() const;
  /// Replaces the plots' content with the stored history of `runIds`.
  void showStoredRuns(const QList<qlonglong>& runIds, const QString& storePath);

 private:
  struct Target {
    MetricPlot* plot = nullptr;
    int series = -1;
  };
  Target seriesFor(qlonglong runId, const QString& key);
  /// "#3 bilstm edp ε=3": what legends call a run.
  QString runLabel(qlonglong runId) const;
  void clear();

  MetricPlot* loss_;
  MetricPlot* accuracy_;
  MetricPlot* epsilon_;  ///< privacy spent (private runs only)
  QProgressBar* progress_;
  QLabel* status_;
  QMap<QPair<qlonglong, QString>, Target> series_;
  QMap<qlonglong, int> runColours_;
  QMap<qlonglong, QString> runNames_;
  QString liveName_;  ///< the name of the run being trained (its id comes with its first metric)
  QComboBox* colourBy_;
  QList<qlonglong> shownRuns_;  ///< the stored runs overlaid (what a new colouring redraws)
  QString shownStore_;
};

}  // namespace trustlab
