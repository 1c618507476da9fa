#include "federated/client_source.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "util/errors.h"
#include "util/random.h"

namespace trustlab {
namespace {

constexpr double kSizeSigma = 1.0;  // log-normal σ of the client sizes: a heavy tail
constexpr uint64_t kSizes = 0x51e5, kExamples = 0xe8a7;  // the two streams of a client

}  // namespace

SyntheticClients::SyntheticClients(const SyntheticClientsOptions& o) : o_(o) {
  if (o.population < 1 || !(o.meanExamples >= 1) || o.seqLen < 1 || o.vocab < 3 || o.classes < 2)
    throw InputError("synthetic clients",
                     "population, seq_len ≥ 1, mean examples ≥ 1, vocab ≥ 3 and classes ≥ 2 are required");
}

long SyntheticClients::count(size_t client) const {
  // exp(N(μ, σ²)) with μ = log(mean) − σ²/2 has mean `mean`.
  const double mu = std::log(o_.meanExamples) - kSizeSigma * kSizeSigma / 2;
  return std::max(1L, std::lround(std::exp(mu + kSizeSigma * SplitMix64::stream(o_.seed ^ kSizes, client).normal())));
}

ClientExamples SyntheticClients::examples(size_t client) const {
  const long n = count(client);
  auto rng = SplitMix64::stream(o_.seed ^ kExamples, client);
  auto ids = torch::empty({n, o_.seqLen}, torch::kLong), labels = torch::empty({n}, torch::kLong);
  for (int64_t *p = ids.data_ptr<int64_t>(), *end = p + ids.numel(); p != end; ++p)
    *p = 2 + int64_t(rng.below(uint64_t(o_.vocab - 2)));
  for (int64_t *p = labels.data_ptr<int64_t>(), *end = p + n; p != end; ++p) *p = int64_t(rng.below(uint64_t(o_.classes)));
  ClientExamples out{{ids, torch::full({n}, o_.seqLen, torch::kLong), labels}, std::vector<long>(size_t(n))};
  std::iota(out.rows.begin(), out.rows.end(), 0L);
  return out;
}

}  // namespace trustlab
