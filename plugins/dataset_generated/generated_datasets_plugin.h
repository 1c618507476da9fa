// plugins/dataset_generated: sizes of the generated default corpus beyond the built-in one:
// "default-small" for quick experiments and tests, "default-large" for federated scale.
#pragma once
#include <QObject>

#include "plugin_interfaces.h"

class GeneratedDatasetsPlugin : public QObject, public trustlab::DatasetPluginInterface {
  Q_OBJECT
  Q_PLUGIN_METADATA(IID TrustLabDatasetPlugin_iid)
  Q_INTERFACES(trustlab::DatasetPluginInterface)
 public:
  QString pluginName() const override { return "Generated corpus variants"; }
  std::vector<trustlab::PluginDataset> datasets() const override;
};
