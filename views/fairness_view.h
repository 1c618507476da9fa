// views: the Fairness tab: a classifier audit of a stored run (Runs → Audit → Fairness). A table
// of rates per gender group with 95 % bootstrap intervals, the overall disparities and
// counterfactual metrics, a bar chart of the per-group rates with interval whiskers, and the
// counterfactual pairs side by side — the original and its gender-swapped twin with the swapped
// words highlighted, both predictions and scores — filterable ("flips only", text) and sortable.
// Everything exports (chart: PDF/SVG/PNG/CSV/pgfplots; tables: CSV).
#pragma once
#include <QWidget>

#include "audits/fairness_audit.h"

class QCheckBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace trustlab {

class FairnessView : public QWidget {
  Q_OBJECT
 public:
  explicit FairnessView(QWidget* parent = nullptr);

  void showReport(qlonglong runId, const ClassifierFairnessReport& report);
  QTableWidget* groupTable() const { return groups_; }
  QTableWidget* metricTable() const { return metrics_; }
  QTableWidget* pairTable() const { return pairs_; }
  QCheckBox* flipsOnly() const { return flipsOnly_; }
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 private:
  void applyFilter();

  QLabel* summary_;
  QTableWidget *groups_, *metrics_, *pairs_;
  QCustomPlot* chart_;
  QLineEdit* filter_;
  QCheckBox* flipsOnly_;
  ClassifierFairnessReport report_;
};

}  // namespace trustlab
