// views: how the GUI tells the researcher something went wrong (or what it wrote) without ever
// blocking the event loop or dying: a window-level message box opened non-modally, named
// "errorDialog"/"infoDialog" so tests find it. Every file operation of the GUI reports through it.
#pragma once
#include <QString>

class QWidget;

namespace trustlab {

/// A warning naming what failed and why (the message should name the path and the reason).
void showError(QWidget* parent, const QString& title, const QString& message);
/// A short confirmation (e.g. the files an export wrote).
void showInfo(QWidget* parent, const QString& title, const QString& message);

}  // namespace trustlab
