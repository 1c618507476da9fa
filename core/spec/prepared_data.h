// core/experiment: a spec's data made ready for a model: the dataset loaded, the spec's canaries
// planted in its training split, the vocabulary, and every split encoded. The runner trains on
// it; audits rebuild exactly the same thing from a stored spec.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "attacks/canaries.h"
#include "data/batching.h"
#include "spec/experiment_spec.h"

namespace trustlab {

struct PreparedData {
  Dataset dataset;               ///< train includes the planted canaries
  std::vector<Canary> canaries;  ///< each planted audit.canary_repetitions times at the end of train
  Vocabulary vocabulary;
  std::map<std::string, long> labelIndex;
  EncodedSplit train, valid, test;
};

/// How a spec's texts become ids: data.tokenizer's options, with the model's own pretrained
/// tokenizer (an hf model's folder) unless data.pretrained_tokenizer names one. Every encoder of a
/// spec's texts (training, audits, inspection, checkpoints) goes through this.
TokenizerOptions tokenizerFor(const ExperimentSpec& spec);

/// Throws InputError for a dataset or canary problem. With `vocabulary` (from a checkpoint) the
/// splits are encoded with it instead of a freshly built one.
PreparedData prepareData(const ExperimentSpec& spec, const Vocabulary* vocabulary = nullptr);

/// Rows `indices` (int64, CPU) of `split`.
EncodedSplit selectRows(const EncodedSplit& split, const torch::Tensor& indices);
/// `a` followed by `b` (both encoded with the same maximum length).
EncodedSplit concatRows(const EncodedSplit& a, const EncodedSplit& b);

}  // namespace trustlab
