// views: the sweep editor (Tradeoff → New sweep…): a sweep over the designer's experiment with
// any declared field as an axis, each row a field and its values ("1e-3, 3e-3", "inf, 8, 3, 1" for
// an ε; for a random search "1e-4 .. 1e-2", log-scaled when ticked), seeds as replicates, grid or
// random search, and the audits run on every point besides those the experiment's audit section
// asks for. The number of runs, or what is wrong and where, shows as you type.
#pragma once
#include <QDialog>
#include <QString>
#include <QStringList>

#include "experiment/sweep.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace trustlab {

/// One row of the editor as typed.
struct SweepAxisText {
  QString field, values;
  bool logScale = false;
};

/// An axis from its row: "a, b, c" lists values; with `random`, "low .. high" is a range.
/// InputError naming the field when the text is empty or the range is not two numbers.
SweepAxis parseSweepAxis(const SweepAxisText& row, bool random);
/// "1, 2, 3" → seeds; InputError naming "seeds" for anything but non-negative integers.
std::vector<unsigned long long> parseSeeds(const QString& text);
/// The ε axis a sweep over `base` varies by default: user-level for a federated base.
QString defaultEpsilonField(const ExperimentSpec& base);

class SweepEditor : public QDialog {
  Q_OBJECT
 public:
  /// Starts as ε ∈ {∞, 8, 3, 1, 0.5} × seeds 1–3 over `base`.
  explicit SweepEditor(const ExperimentSpec& base, QWidget* parent = nullptr);

  void addAxis(const SweepAxisText& row);
  void clearAxes();
  /// The sweep as edited; InputError (field named) when it is not valid.
  SweepSpec sweep() const;
  QLineEdit* nameEdit() const { return name_; }
  QLineEdit* seedsEdit() const { return seeds_; }
  QComboBox* searchBox() const { return search_; }
  QSpinBox* samplesBox() const { return samples_; }
  QListWidget* auditList() const { return audits_; }
  QTableWidget* axisTable() const { return axes_; }
  /// "15 runs: 5 points × 3 seeds", or the problem.
  QString summaryText() const;

 private:
  void update();
  SweepAxisText row(int r) const;

  ExperimentSpec base_;
  QLineEdit *name_, *seeds_;
  QComboBox* search_;
  QSpinBox *samples_, *searchSeed_;
  QTableWidget* axes_;
  QListWidget* audits_;
  QLabel* summary_;
  QPushButton* ok_ = nullptr;
};

}  // namespace trustlab
