// views: measures how long the GUI thread goes without processing events, with a 10 ms timer:
// the largest gap beyond the interval is the longest the GUI was blocked.
#pragma once
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace trustlab {

class ResponsivenessProbe : public QObject {
  Q_OBJECT
 public:
  explicit ResponsivenessProbe(QObject* parent = nullptr);
  void reset();
  /// Longest time (ms) between two timer ticks minus the 10 ms interval, since reset().
  double maxBlockedMs() const { return maxBlockedMs_; }

 private:
  void tick();
  QTimer timer_;
  QElapsedTimer clock_;
  double maxBlockedMs_ = 0;
};

}  // namespace trustlab
