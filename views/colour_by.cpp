#include "colour_by.h"

#include <QComboBox>
#include <QSignalBlocker>
#include <algorithm>

namespace trustlab {

SettingColours fillColourBy(QComboBox* box, const RunComparison& comparison) {
  const QString current = box->currentText();
  {
    const QSignalBlocker block(box);
    box->clear();
    box->addItem(QComboBox::tr("run"));
    for (const auto& [key, values] : comparison.differingSettings) box->addItem(QString::fromStdString(key));
    box->setCurrentIndex(std::max(0, box->findText(current)));
  }
  return colourBySetting(comparison, box->currentText().toStdString());
}

}  // namespace trustlab
