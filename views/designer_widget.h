// views: the experiment designer: one form over an ExperimentSpec, made from the spec's declared
// fields (spec/spec_fields.h): a group per section, a row per field with the editor its type
// asks for (check box, spin box, number field, combo box of a registry's names, path with a browse
// button), its help as tooltip. Only the fields that apply to the spec as it stands are shown (an
// LSTM hides the Transformer's heads, federated rows appear when the simulation is switched on).
// Validated as you type: problems listed inline, Start disabled until the spec is valid.
#pragma once
#include <QWidget>
#include <vector>

#include "spec/experiment_spec.h"

class QFormLayout;
class QGroupBox;
class QLabel;
class QPushButton;

namespace trustlab {

struct SpecField;

class DesignerWidget : public QWidget {
  Q_OBJECT
 public:
  explicit DesignerWidget(QWidget* parent = nullptr);
  ExperimentSpec spec() const { return spec_; }
  void setSpec(const ExperimentSpec& spec);
  bool isValid() const { return valid_; }
  /// Re-reads every list of choices (after plugins added datasets, models, …).
  void refreshChoices();

 public Q_SLOTS:
  void setRunning(bool running);

 Q_SIGNALS:
  void startRequested(const trustlab::ExperimentSpec& spec);
  void stopRequested();
  void specChanged();

 private:
  struct Row {
    const SpecField* field;
    QWidget* editor;   ///< named after the field's path ("training.lr")
    QWidget* rowWidget;  ///< what the form holds (the editor, or it with a browse button)
    QFormLayout* form;
    QGroupBox* group;
  };
  QWidget* makeEditor(const SpecField& field);
  void connectEditor(const Row& row);
  void show(const Row& row);      ///< the spec's value into the row's editor
  void edited(const Row& row);    ///< the row's editor into the spec
  void revalidate();
  std::vector<Row> rows_;
  ExperimentSpec spec_;  ///< what the form shows; fields it hides keep their values
  QLabel* issues_;
  QPushButton *start_, *stop_;
  bool valid_ = false, running_ = false;
};

}  // namespace trustlab
