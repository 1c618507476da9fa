// views: the Federated tab: for the federated runs chosen in the run browser (or the one
// training), global accuracy against round and against simulated time, ε against round for
// user-level DP, and the clients of the latest run — data size and participation, sorted, on a
// log axis (heavy tails show as straight-ish lines). Every plot exports like the others.
#pragma once
#include <QList>
#include <QWidget>

class QLabel;

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
  QLabel* summary() const { return summary_; }
  QStringList exportAll(const QString& basePath, double widthPt, double heightPt);

 public Q_SLOTS:
  /// Shows the federated runs among `runIds` (others are skipped); returns how many it showed.
  int showRuns(const QList<qlonglong>& runIds, const QString& storePath);

 private:
  MetricPlot *byRound_, *byTime_, *epsilon_, *clients_;
  QLabel* summary_;
};

}  // namespace trustlab
