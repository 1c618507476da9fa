// views: the Tradeoff tab: a sweep's utility (accuracy, macro-F1) and leakage (MIA AUC, TPR at
// 0.1 % FPR, inversion success, canary exposure) against ε on a log axis — or against any other
// swept number field — mean ± std over seeds, the non-private run as a dashed line; each
// attack's empirical ε lower bound against the theoretical ε with the y = x line; ROC curves
// on log–log axes with the (ε, δ)-DP bound; and an ε slider marking interpolated utility and
// leakage and the σ that ε needs. The sweep runs in a SweepWorker thread and the plots fill in as
// its points finish; reopening the window (or pressing Run again after a crash) resumes it.
#pragma once
#include <QThread>
#include <QTimer>
#include <QWidget>
#include <vector>

#include "experiment/sweep.h"
#include "plots/series_export.h"
#include "plots/tradeoff.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;

namespace trustlab {

class SweepWorker;

class TradeoffView : public QWidget {
  Q_OBJECT
 public:
  explicit TradeoffView(QWidget* parent = nullptr);
  ~TradeoffView() override;

  void setStorePath(const QString& path);
  /// Loads a sweep spec and shows what the store already holds for it; false (with the error in
  /// the status line) when the spec is bad.
  bool openSweep(const QString& path);
  /// Writes `sweep` (e.g. from the sweep editor) to `path` and opens it; false (and a box) when
  /// the file cannot be written.
  bool saveSweep(const SweepSpec& sweep, const QString& path);
  /// What the x axis shows: kEpsilonAxis or a swept field; false when the sweep has no such axis.
  bool setXAxis(const QString& axis);
  QComboBox* xAxisBox() const { return xAxis_; }
  bool isRunning() const { return running_; }

  QCustomPlot* utilityPlot() const { return utility_; }
  QCustomPlot* leakagePlot() const { return leakage_; }
  QCustomPlot* empiricalEpsilonPlot() const { return empirical_; }
  QCustomPlot* rocPlot() const { return roc_; }
  QSlider* epsilonSlider() const { return slider_; }
  QLabel* readout() const { return readout_; }
  QLabel* status() const { return status_; }
  const std::vector<SweepCell>& cells() const { return cells_; }

  /// Writes every plot as `basePath`-{utility,leakage,empirical-epsilon,roc}.{pdf,svg,png,csv,tex}.
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 public Q_SLOTS:
  void startSweep();
  void stopSweep();
  /// Re-reads the store (also called as each sweep point finishes).
  void refresh();

 Q_SIGNALS:
  void runSweep(const QString& sweepPath, const QString& storePath);
  /// "New sweep" was pressed: the owner supplies the designer's spec (createSweep).
  void newSweepRequested();
  void sweepFinished(bool cancelled);

 private:
  /// Re-reads the store; redraws when `force` or when the sweep's finished runs changed.
  void reload(bool force);
  void redraw();
  /// `axis`: what x is (xAxis(), or ε for the empirical-ε plot).
  void drawSeries(QCustomPlot* plot, const std::vector<TradeoffSeries>& series, bool rightAxis, const std::string& axis);
  void drawEmpiricalEpsilon();
  void drawRoc();
  void updateMarker();
  double sliderEpsilon() const;
  PlotDescription rocDescription() const;
  void exportPlotWithDialog(QCustomPlot* plot, const QString& title);
  std::string xAxis() const;
  void fillGroups();
  std::vector<TradeoffSeries> utilitySeries() const;
  std::vector<TradeoffSeries> leakageSeries() const;
  std::vector<TradeoffSeries> empiricalEpsilonSeries() const;

  QString storePath_, sweepPath_;
  SweepSpec sweep_;
  std::vector<SweepCell> cells_;
  QComboBox *group_, *xAxis_;
  QPushButton *open_, *new_, *run_, *stop_, *export_;
  QProgressBar* progress_;
  QLabel *status_, *readout_;
  QSlider* slider_;
  QCustomPlot *utility_, *leakage_, *empirical_, *roc_;
  QThread thread_;
  QTimer poll_;
  SweepWorker* worker_;
  bool running_ = false;
};

}  // namespace trustlab
