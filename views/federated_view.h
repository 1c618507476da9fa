// views: the Federated tab: for the federated runs chosen in the run browser (or the one
// training), the global model's held-out metric — its objective's headline: accuracy, or
// perplexity for next-word runs — against round and against simulated time, ε against round (user
// level, and the worst client's example-level ε), and the clients of the latest run — data sizes
// sorted on a log axis (heavy tails show as straight-ish lines), a histogram of how many rounds
// each took part in, and labels per client. "Preview partition" shows the designer's partition
// before training. Every plot exports like the others.
#pragma once
#include <QList>
#include <QWidget>

#include "federated/partition.h"

class QLabel;
class QPushButton;

namespace trustlab {

class MetricPlot;

class FederatedView : public QWidget {
  Q_OBJECT
 public:
  explicit FederatedView(QWidget* parent = nullptr);

  MetricPlot* roundPlot() const { return byRound_; }
  MetricPlot* timePlot() const { return byTime_; }
  MetricPlot* epsilonPlot() const { return epsilon_; }
  MetricPlot* clientsPlot() const { return clients_; }
  MetricPlot* participationPlot() const { return participation_; }
  MetricPlot* labelsPlot() const { return labels_; }
  QPushButton* previewButton() const { return preview_; }
  QLabel* summary() const { return summary_; }
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 public Q_SLOTS:
  /// Shows the federated runs among `runIds`, and the centrally trained ones as dashed reference
  /// levels (runs of another objective than the first are listed, not drawn); returns how many
  /// federated runs it showed.
  int showRuns(const QList<qlonglong>& runIds, const QString& storePath);
  /// Shows a partition computed before training (sizes and labels per client).
  void showPartition(const QString& description, const PartitionStats& stats);

 Q_SIGNALS:
  /// The user asked to see the designer's partition; the window computes it off the GUI thread.
  void previewRequested();

 private:
  void showClients(const QString& name, const QVector<double>& sizes, const QVector<double>& labelCounts);

  MetricPlot *byRound_, *byTime_, *epsilon_, *clients_, *participation_, *labels_;
  QLabel* summary_;
  QPushButton* preview_;
};

}  // namespace trustlab
