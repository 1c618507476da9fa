// views: finds and loads plugins: static ones first, then shared objects in the plugin folders
// (<exe>/../plugins in a build tree, <prefix>/lib/trustlab/plugins when installed, and
// $TRUSTLAB_PLUGIN_PATH). A plugin that fails to load is reported, never fatal.
#pragma once
#include <QObject>
#include <QStringList>

namespace trustlab {

class PluginManager : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  /// Loads everything it can find; returns one line per plugin loaded or failed.
  QStringList loadAll();
  static QStringList searchPaths();
  QStringList datasetNames() const { return datasets_; }

 private:
  void adopt(QObject* instance, const QString& origin, QStringList& report);
  QStringList datasets_;
};

}  // namespace trustlab
