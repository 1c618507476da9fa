// views: the GUI's last line of defence. Qt cannot carry a C++ exception through its event loop:
// one escaping a slot or an event handler would end the process and the researcher's session.
// GuardedApplication catches it where Qt delivers the event, reports it in a box (the operation
// failed; the window lives on) and on stderr. Every file operation still handles its own errors
// (message_box.h); this is for what slips past.
#pragma once
#include <QApplication>

namespace trustlab {

class GuardedApplication : public QApplication {
  Q_OBJECT
 public:
  GuardedApplication(int& argc, char** argv);
  bool notify(QObject* receiver, QEvent* event) override;
  /// Exceptions caught so far (tests read it).
  int caught() const { return caught_; }

 private:
  void report(const QString& what);
  int caught_ = 0;
};

}  // namespace trustlab
