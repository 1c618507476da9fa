// core/experiment: a federated spec's clients, the same ones the runner trains on, so a researcher
// can look at the partition (sizes, labels per client) before spending time on training.
#pragma once
#include "spec/experiment_spec.h"
#include "spec/prepared_data.h"
#include "federated/partition.h"

namespace trustlab {

/// The class index of each training example (CPU copy of the labels).
std::vector<long> trainClasses(const PreparedData& prepared);
/// The clients `spec` makes of `prepared`'s training split.
Partition specPartition(const ExperimentSpec& spec, const PreparedData& prepared);
/// Loads the spec's data and describes its partition; throws InputError like a run would.
PartitionStats previewPartition(const ExperimentSpec& spec);

}  // namespace trustlab
