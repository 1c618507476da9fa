// core/interop: stored runs as TensorBoard event files: DIR/<run id>-<name>/events.out.tfevents.
// <time>.trustlab, one per run, each a TFRecord stream (length, masked CRC-32C, record, masked
// CRC-32C) of Event protocol buffers: a file_version event, then one scalar summary
// (simple_value) per logged metric point at its step and wall time, and the run's params as a
// text summary ("params") so they are visible beside the curves. For the HParams dashboard, each
// run is a session (its params as hparams, replicates in one session group, its status at the
// end) and DIR itself holds the experiment (every param with the values taken, every metric).
#pragma once
#include <string>
#include <vector>

#include "interop/mlflow_export.h"

namespace trustlab {

/// Writes `runIds` (all runs when empty) under `dir` (created). Throws naming the file that
/// could not be written.
InteropExport exportToTensorBoard(const RunStore& store, std::vector<long long> runIds, const std::string& dir);

}  // namespace trustlab
