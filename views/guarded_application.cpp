#include "guarded_application.h"

#include <QWidget>
#include <clocale>
#include <cstdio>
#include <exception>

#include "message_box.h"

namespace trustlab {

GuardedApplication::GuardedApplication(int& argc, char** argv) : QApplication(argc, argv) {
  // Qt sets the C locale from the environment; core writes and reads numbers in specs, params and
  // CSV files with printf-style formatting, which must keep '.' under a German or French locale.
  // Qt's own number display goes through QLocale and is unaffected.
  std::setlocale(LC_NUMERIC, "C");
}

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
