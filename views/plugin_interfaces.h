// views: the plugin interfaces TrustLab loads with QPluginLoader. A plugin is a QObject that
// implements one of these and declares it with Q_INTERFACES; the IID carries the version.
#pragma once
#include <QString>
#include <QtPlugin>
#include <functional>
#include <vector>

#include "data/dataset_registry.h"

namespace trustlab {

struct PluginDataset {
  KnownDataset description;
  std::function<Dataset()> load;
};

/// Offers datasets (generated variants, an in-house corpus format, ...). The application, not the
/// plugin, registers them with core, because a plugin links its own copy of the static core.
class DatasetPluginInterface {
 public:
  virtual ~DatasetPluginInterface() = default;
  virtual QString pluginName() const = 0;
  virtual std::vector<PluginDataset> datasets() const = 0;
};

}  // namespace trustlab

#define TrustLabDatasetPlugin_iid "org.trustlab.DatasetPlugin/1.0"
Q_DECLARE_INTERFACE(trustlab::DatasetPluginInterface, TrustLabDatasetPlugin_iid)
