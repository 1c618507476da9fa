// views: the experiment designer: one form over an ExperimentSpec, made from the spec's declared
// fields (spec/spec_fields.h): a group per section, a row per field with the editor its type
// asks for (check box, spin box, number field, combo box of a registry's names, path with a browse
// button), its help as tooltip. Only the fields that apply to the spec as it stands are shown (an
// LSTM hides the Transformer's heads, federated rows appear when the simulation is switched on).
// Validated as you type: a field with a problem is marked in place (its message in the tooltip),
// a legal but dubious one (spec_warnings.h) marked as a warning; the window's Start stays disabled
// with blockingReason() beside it until the spec is valid.
#pragma once
#include <QWidget>
#include <vector>

#include "spec/experiment_spec.h"

class QFormLayout;
class QGroupBox;
class QLabel;

namespace trustlab {

struct SpecField;

class DesignerWidget : public QWidget {
  Q_OBJECT
 public:
  explicit DesignerWidget(QWidget* parent = nullptr);
  ExperimentSpec spec() const { return spec_; }
  void setSpec(const ExperimentSpec& spec);
  bool isValid() const { return valid_; }
  /// Why the spec cannot run ("training.lr: must be in (0, 10]"; more when several); empty when valid.
  QString blockingReason() const { return blockingReason_; }
  /// "error", "warning" or "" for the editor of a field path: how the form marks it.
  QString markOf(const QString& fieldPath) const;
  /// Re-reads every list of choices (after plugins added datasets, models, …).
  void refreshChoices();

 Q_SIGNALS:
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
  /// Marks the rows the issues name ("error" or "warning") and lists them in `label`.
  void markRows(const std::vector<SpecIssue>& issues, const char* kind, QLabel* label);
  void describeModel();
  void clearMark(const Row& row);
  std::vector<Row> rows_;
  ExperimentSpec spec_;  ///< what the form shows; fields it hides keep their values
  QLabel *issues_, *warnings_;
  QLabel* modelSummary_ = nullptr;  ///< what the chosen model is (a pretrained folder: what it holds)
  QString blockingReason_;
  bool valid_ = false;
};

}  // namespace trustlab
