#include "message_box.h"

#include <QMessageBox>

namespace trustlab {
namespace {

void open(QWidget* parent, QMessageBox::Icon icon, const char* objectName, const QString& title, const QString& message) {
  auto* box = new QMessageBox(icon, title, message, QMessageBox::Ok, parent);
  box->setObjectName(objectName);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setTextInteractionFlags(Qt::TextSelectableByMouse);  // paths can be copied
  // open(), not exec(): no nested event loop, so training, sweeps and audits go on meanwhile.
  box->open();
}

}  // namespace

void showError(QWidget* parent, const QString& title, const QString& message) {
  open(parent, QMessageBox::Warning, "errorDialog", title, message);
}

void showInfo(QWidget* parent, const QString& title, const QString& message) {
  open(parent, QMessageBox::Information, "infoDialog", title, message);
}

}  // namespace trustlab
