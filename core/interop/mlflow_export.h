// core/interop: stored runs as an MLflow file store (mlflow/store/tracking/file_store.py's
// layout): DIR/<experiment id>/meta.yaml, DIR/<experiment id>/<run id>/{meta.yaml, params/,
// metrics/, tags/, artifacts/}. Metric files hold one "<timestamp ms> <value> <step>" line per
// logged point; keys with '/' become folders, as MLflow stores them.
#pragma once
#include <string>
#include <vector>

namespace trustlab {

class RunStore;

struct InteropExport {
  std::vector<std::string> runs;  ///< the folders written, one per run
  long metricPoints = 0;
};

/// Writes `runIds` (all runs when empty) under `dir` (created); TrustLab's experiments become
/// MLflow experiments 1, 2, … by name (0 stays MLflow's Default). Throws StoreError or
/// InputError naming the file that could not be written.
InteropExport exportToMlflow(const RunStore& store, std::vector<long long> runIds, const std::string& dir);

}  // namespace trustlab
