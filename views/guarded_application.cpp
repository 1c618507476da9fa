#include "guarded_application.h"

#include <QWidget>
#include <cstdio>
#include <exception>

#include "message_box.h"

namespace trustlab {

GuardedApplication::GuardedApplication(int& argc, char** argv) : QApplication(argc, argv) {}

bool GuardedApplication::notify(QObject* receiver, QEvent* event) {
  try {
    return QApplication::notify(receiver, event);
  } catch (const std::exception& e) {
    report(QString::fromStdString(e.what()));
  } catch (...) {
    report(tr("an unknown error"));
  }
  return false;
}

void GuardedApplication::report(const QString& what) {
  ++caught_;
  std::fprintf(stderr, "trustlab: error: %s\n", qPrintable(what));
  // The box opens later, from the event loop: not inside the delivery that failed.
  QMetaObject::invokeMethod(
      this, [what] { showError(QApplication::activeWindow(), tr("Operation failed"), what); }, Qt::QueuedConnection);
}

}  // namespace trustlab
