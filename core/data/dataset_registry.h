// core/data: resolves a dataset name ("snips", "clinc150", ...) or a path to a loader.
// Names resolve against the data root: $TRUSTLAB_DATA_DIR, else the nearest `shared/data` folder
// above the working directory or the executable.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/loaders/loaders.h"

namespace trustlab {

struct KnownDataset {
  std::string name;
  std::string description;
  std::string relativePath;  ///< under the data root; empty for the generated default
  std::string format;        ///< "generated", "snips-raw", "seq-label", "clinc", "clinc-oos", "table"
};

/// Built-in datasets followed by those registered by plugins.
std::vector<KnownDataset> knownDatasets();

/// Adds a named dataset produced by code (GUI plugins use this). Replaces one with the same name.
void registerDatasetProvider(const KnownDataset& description, std::function<Dataset()> load);

/// The data root, or "" when none is found.
std::string dataRoot();
/// Absolute path of a known dataset, or "" when the data root or the files are missing.
std::string knownDatasetPath(const KnownDataset& d);

struct DatasetRequest {
  std::string nameOrPath = "default";
  std::string format;  ///< empty = from the name, or detected from the path
  TableColumns columns;
};

/// Loads by name or path; throws InputError (naming the name/path) when it cannot.
Dataset loadDataset(const DatasetRequest& request);

}  // namespace trustlab
