#include "plugin_manager.h"

#include <QCoreApplication>
#include <QDir>
#include <QPluginLoader>

#include "plugin_interfaces.h"

namespace trustlab {

QStringList PluginManager::searchPaths() {
  QStringList paths;
  const QString env = qEnvironmentVariable("TRUSTLAB_PLUGIN_PATH");
  if (!env.isEmpty()) paths << env.split(':', Qt::SkipEmptyParts);
  const QString app = QCoreApplication::applicationDirPath();
  paths << app + "/../plugins" << app + "/../lib/trustlab/plugins";
  return paths;
}

void PluginManager::adopt(QObject* instance, const QString& origin, QStringList& report) {
  if (auto* datasets = qobject_cast<DatasetPluginInterface*>(instance)) {
    try {
      QStringList names;
      for (const auto& d : datasets->datasets()) {
        registerDatasetProvider(d.description, d.load);
        names << QString::fromStdString(d.description.name);
      }
      datasets_ << names;
      report << QString("%1 (%2): datasets %3").arg(datasets->pluginName(), origin, names.join(", "));
    } catch (const std::exception& e) {
      report << QString("%1: failed to register datasets: %2").arg(origin, e.what());
    }
  }
}

QStringList PluginManager::loadAll() {
  QStringList report;
  for (QObject* instance : QPluginLoader::staticInstances()) adopt(instance, "static", report);
  for (const QString& path : searchPaths()) {
    const QDir dir(path);
    if (!dir.exists()) continue;
    for (const QString& file : dir.entryList(QDir::Files)) {
      if (!QLibrary::isLibrary(file)) continue;
      QPluginLoader loader(dir.absoluteFilePath(file));
      QObject* instance = loader.instance();
      if (!instance) {
        report << QString("%1: %2").arg(file, loader.errorString());
        continue;
      }
      adopt(instance, file, report);
    }
  }
  return report;
}

}  // namespace trustlab
