// views: the experiment designer: one form over an ExperimentSpec (dataset, model, training),
// validated as you type (problems listed inline, Start disabled until the spec is valid), and the
// privacy audit to run with it (canaries to plant, membership inference for sweeps), and the
// federated simulation that replaces centralised training when enabled.
#pragma once
#include <QWidget>

#include "experiment/experiment_spec.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace trustlab {

class DesignerWidget : public QWidget {
  Q_OBJECT
 public:
  explicit DesignerWidget(QWidget* parent = nullptr);
  ExperimentSpec spec() const;
  void setSpec(const ExperimentSpec& spec);
  bool isValid() const { return valid_; }
  /// Re-reads the dataset list (after plugins registered theirs).
  void refreshDatasets();

 public Q_SLOTS:
  void setRunning(bool running);

 Q_SIGNALS:
  void startRequested(const trustlab::ExperimentSpec& spec);
  void stopRequested();
  void specChanged();

 private:
  void revalidate();
  QLineEdit* name_;
  QComboBox* dataset_;
  QSpinBox* maxLength_;
  QComboBox* model_;
  QSpinBox *embeddingDim_, *hidden_, *layers_, *heads_, *ffn_;
  QDoubleSpinBox* dropout_;
  QComboBox *optimizer_, *schedule_, *device_;
  QLineEdit* lr_;
  QSpinBox *batch_, *epochs_, *maxSteps_, *evalEvery_, *patience_, *seed_;
  QComboBox *dpMode_, *sampling_, *accountant_;
  QDoubleSpinBox *targetEpsilon_, *noiseMultiplier_, *clip_;
  QLineEdit* delta_;
  QComboBox* clipping_;
  QCheckBox* secure_;
  QSpinBox *canaries_, *canaryRepetitions_, *shadows_;
  QComboBox* mia_;
  QCheckBox* federated_;
  QComboBox *partition_, *selection_, *aggregation_, *algorithm_;
  QDoubleSpinBox *alpha_, *quantitySigma_, *localLr_;
  QSpinBox *clients_, *clusterCount_, *rounds_, *clientsPerRound_, *localEpochs_, *periods_, *processes_;
  ExperimentSpec base_;  ///< the last spec set: fields the form does not show are kept from it
  QLabel* issues_;
  QPushButton *start_, *stop_;
  bool valid_ = false, running_ = false;
};

}  // namespace trustlab
