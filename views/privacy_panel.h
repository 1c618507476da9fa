// views: the Privacy tab: a privacy budget (target ε on a log slider, δ presets or the 1/N^1.1
// rule, dataset size, batch size → q, epochs, accountant) and, live, the σ each accountant needs,
// the resulting noise scale, and ε against training steps for RDP, PRV and GDP side by side.
// The workload follows the experiment being designed (its N, batch size, epochs and, when
// private, its ε, δ and accountant); the fields stay editable for what-if questions.
// Recomputation runs off the GUI thread after a short debounce: RDP/GDP answers arrive in a few
// milliseconds, PRV (a full FFT composition per point) follows.
#pragma once
#include <QFutureWatcher>
#include <QTimer>
#include <QWidget>
#include <map>
#include <vector>

#include "privacy/budget_curve.h"
#include "privacy/privacy_history.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace trustlab {

class MetricPlot;
struct ExperimentSpec;

struct PrivacyBudget {
  double targetEpsilon = 3;
  double delta = 1e-5;
  long datasetSize = 60000;
  long batchSize = 256;
  double epochs = 10;
  std::string accountant = kRdpAccountant;
};

/// One recomputation's answers (σ per accountant that was computed, and the ε curves).
struct PrivacyAnswer {
  std::map<std::string, double> noiseMultiplier;
  std::vector<EpsilonCurve> curves;
  std::string error;
  long steps = 0;
  double sampleRate = 0;
};

class PrivacyPanel : public QWidget {
  Q_OBJECT
 public:
  explicit PrivacyPanel(QWidget* parent = nullptr);
  PrivacyBudget budget() const;
  void setBudget(const PrivacyBudget& b);
  /// Takes the workload of `spec` with `trainExamples` (N) examples from `datasetName`; 0 keeps N.
  void followExperiment(const ExperimentSpec& spec, long trainExamples, const QString& datasetName);
  /// Says that N could not be read from the experiment's data (N stays what it was).
  void setDatasetProblem(const QString& message);
  /// σ of the selected accountant from the latest finished computation (0 while unknown).
  double noiseMultiplier() const;
  MetricPlot* plot() const { return plot_; }
  QSlider* epsilonSlider() const { return slider_; }
  QLabel* summary() const { return summary_; }

  /// Exposed for tests: the computations the panel runs off the GUI thread (the cheap
  /// accountants, then all of them).
  static PrivacyAnswer computeFast(const PrivacyBudget& b);
  static PrivacyAnswer computePrv(const PrivacyBudget& b);

 Q_SIGNALS:
  void viewUpdated();  ///< the cheap accountants' answers shown
  void prvUpdated();   ///< every accountant's answers shown (PRV's too)
  void applyRequested(long batchSize, double epochs, double noiseMultiplier, double targetEpsilon, double delta);

 private:
  void inputsChanged();
  void launch();
  void showAnswer(const PrivacyAnswer& a, bool final);
  void setEpsilonFromSlider(int v);

  QSlider* slider_;
  QDoubleSpinBox* epsilon_;
  QComboBox* delta_;
  QSpinBox *datasetSize_, *batchSize_;
  QDoubleSpinBox* epochs_;
  QComboBox* accountant_;
  QLabel* summary_;
  QLabel* source_;  ///< where the workload came from
  MetricPlot* plot_;
  QTimer debounce_;
  quint64 generation_ = 0;
  QFutureWatcher<PrivacyAnswer> fastWatcher_, prvWatcher_;
  quint64 fastGeneration_ = 0, prvGeneration_ = 0;
  PrivacyAnswer shown_;
};

}  // namespace trustlab
