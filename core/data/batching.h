// core/data: padded integer tensors for a split, and seeded mini-batch order.
#pragma once
#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/tokenizer.h"

namespace trustlab {

/// A split as tensors (kept on CPU; batches move to the model's device).
struct EncodedSplit {
  torch::Tensor ids;      ///< [N, L] int64, padded with Vocabulary::kPad
  torch::Tensor lengths;  ///< [N] int64, ≥ 1
  torch::Tensor labels;   ///< [N] int64 class indices
  long size() const { return ids.defined() ? ids.size(0) : 0; }
};

struct Batch {
  torch::Tensor ids, lengths, labels;
};

EncodedSplit encodeSplit(const std::vector<Example>& examples, const Vocabulary& vocab,
                         const std::map<std::string, long>& labelIndex,
                         const TokenizerOptions& options);

/// Rows `indices` of `split`, trimmed to the longest sequence among them, on `device`.
Batch makeBatch(const EncodedSplit& split, const torch::Tensor& indices, const torch::Device& device);

/// Batches of a whole epoch in a seeded random order (or in order when `shuffle` is false).
std::vector<torch::Tensor> epochBatches(long n, long batchSize, bool shuffle, uint64_t seed);
/// A whole epoch's batches of similar lengths, so that padding does not dominate (HF Trainer's
/// group_by_length): the seeded shuffled order, cut into windows of `window` batches, each window
/// sorted by length and cut into batches, the batches then shuffled. Every row once, in as many
/// batches as epochBatches gives; not for DP-SGD, whose batches are Poisson draws. lengths [N].
std::vector<torch::Tensor> lengthBucketedBatches(const torch::Tensor& lengths, long batchSize, uint64_t seed,
                                                 long window = 50);
/// The same over `rows` (the batches hold rows[i] in the order epochBatches(rows.size(), …) gives i).
std::vector<torch::Tensor> epochBatches(const std::vector<long>& rows, long batchSize, bool shuffle, uint64_t seed);

}  // namespace trustlab
