#include "experiment/partition_preview.h"

#include <torch/torch.h>

namespace trustlab {

std::vector<long> trainClasses(const PreparedData& prepared) {
  const auto labels = prepared.train.labels.to(torch::kCPU).contiguous();
  return {labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + labels.numel()};
}

Partition specPartition(const ExperimentSpec& spec, const PreparedData& prepared) {
  return makePartition(spec.federated, prepared.dataset.train, trainClasses(prepared), spec.training.seed);
}

PartitionStats previewPartition(const ExperimentSpec& spec) {
  spec.requireValid();
  const auto prepared = prepareData(spec);
  return partitionStats(specPartition(spec, prepared), trainClasses(prepared));
}

}  // namespace trustlab
