// core/data: resolves a dataset name ("snips", "clinc150", ...) or a path to a loader.
// Names resolve against the data root: $TRUSTLAB_DATA_DIR, else the nearest `shared/data` folder
// above the working directory or the executable.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "config/registry.h"
#include "data/dataset.h"
#include "data/loaders/loaders.h"

namespace trustlab {

/// A file format: how a path (file or folder) becomes a Dataset.
struct DatasetFormat {
  std::function<Dataset(const std::string& path, const TableColumns& columns)> load;
};
/// seq-label, snips-raw, clinc, clinc-oos, table and any added by plugins (data.format chooses;
/// empty = from the dataset's name, or detected from the path).
Registry<DatasetFormat>& datasetFormatRegistry();

/// A named dataset: files under the data root in a format, or made by code.
struct DatasetSource {
  std::string relativePath;      ///< under the data root; empty when made by code
  std::string format;            ///< a datasetFormatRegistry() name, for files
  std::function<Dataset()> make;  ///< code that makes it (the generated default, plugins)
};
/// default, snips, atis, clinc150, … and any added by plugins (data.dataset names one, or a path).
Registry<DatasetSource>& datasetRegistry();

struct KnownDataset {
  std::string name;
  std::string description;
  std::string relativePath;  ///< under the data root; empty when made by code
  std::string format;
};

/// The registered datasets, built-ins first.
std::vector<KnownDataset> knownDatasets();

/// Adds a named dataset produced by code. Replaces one with the same name.
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
