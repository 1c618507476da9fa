#include "data/batching.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "util/random.h"

namespace trustlab {

EncodedSplit encodeSplit(const std::vector<Example>& examples, const Vocabulary& vocab,
                         const std::map<std::string, long>& labelIndex,
                         const TokenizerOptions& options) {
  const long n = long(examples.size());
  const long L = long(std::max<size_t>(options.maxLength, 1));
  EncodedSplit s;
  s.ids = torch::full({n, L}, Vocabulary::kPad, torch::kLong);
  s.lengths = torch::empty({n}, torch::kLong);
  s.labels = torch::empty({n}, torch::kLong);
  auto ids = s.ids.accessor<int64_t, 2>();
  auto lengths = s.lengths.accessor<int64_t, 1>();
  auto labels = s.labels.accessor<int64_t, 1>();
  for (long i = 0; i < n; ++i) {
    const auto tok = encodeText(examples[size_t(i)].text, vocab, options);
    for (size_t j = 0; j < tok.size(); ++j) ids[i][long(j)] = tok[j];
    lengths[i] = long(tok.size());
    labels[i] = labelIndex.at(examples[size_t(i)].label);
  }
  return s;
}

Batch makeBatch(const EncodedSplit& split, const torch::Tensor& indices, const torch::Device& device) {
  Batch b;
  b.lengths = split.lengths.index_select(0, indices);
  const long maxLen = b.lengths.max().item<int64_t>();
  b.ids = split.ids.index_select(0, indices).narrow(1, 0, maxLen).to(device);
  b.lengths = b.lengths.to(device);
  b.labels = split.labels.index_select(0, indices).to(device);
  return b;
}

namespace {

/// 0..n−1, shuffled by `seed` when asked.
std::vector<int64_t> epochOrder(long n, bool shuffle, uint64_t seed) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  if (shuffle) {
    SplitMix64 rng(seed);
    shuffleDeterministic(order, rng);
  }
  return order;
}

std::vector<torch::Tensor> inBatches(std::vector<int64_t>& order, long batchSize) {
  std::vector<torch::Tensor> batches;
  const long n = long(order.size());
  for (long start = 0; start < n; start += batchSize) {
    const long len = std::min(batchSize, n - start);
    batches.push_back(torch::from_blob(order.data() + start, {len}, torch::kLong).clone());
  }
  return batches;
}

}  // namespace

std::vector<torch::Tensor> epochBatches(long n, long batchSize, bool shuffle, uint64_t seed) {
  auto order = epochOrder(n, shuffle, seed);
  return inBatches(order, batchSize);
}

std::vector<torch::Tensor> lengthBucketedBatches(const torch::Tensor& lengths, long batchSize, uint64_t seed, long window) {
  const auto length = lengths.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t* len = length.data_ptr<int64_t>();
  auto order = epochOrder(length.size(0), true, seed);
  const long span = std::max<long>(1, window) * batchSize;
  for (size_t start = 0; start < order.size(); start += size_t(span)) {
    const auto end = order.begin() + long(std::min(order.size(), start + size_t(span)));
    std::stable_sort(order.begin() + long(start), end, [&](int64_t a, int64_t b) { return len[a] < len[b]; });
  }
  auto batches = inBatches(order, batchSize);
  SplitMix64 rng(seed ^ 0x9E3779B97F4A7C15ULL);  // the batch order, independent of the row order
  shuffleDeterministic(batches, rng);
  return batches;
}

std::vector<torch::Tensor> epochBatches(const std::vector<long>& rows, long batchSize, bool shuffle, uint64_t seed) {
  auto order = epochOrder(long(rows.size()), shuffle, seed);
  for (auto& i : order) i = rows[size_t(i)];
  return inBatches(order, batchSize);
}

}  // namespace trustlab
