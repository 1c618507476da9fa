// Sentences in the default dataset's words (its first names, alarm/timer and recipe/dinner words),
// one per line: a corpus for CEAT tests of runs trained on the default dataset.
#pragma once
#include <QByteArray>
#include <QFile>
#include <QString>

namespace trustlab::test {

inline bool writeNamesCorpus(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return false;
  for (const char* s : {"james set an alarm", "mary set a timer", "john wants a recipe", "linda cooks dinner",
                        "robert set a timer for dinner", "patricia wants the alarm off", "call james about dinner",
                        "mary needs a recipe", "set an alarm for linda", "john set a timer", "robert found a recipe"})
    f.write(QByteArray(s) + "\n");
  return true;
}

}  // namespace trustlab::test
