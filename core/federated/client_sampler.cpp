#include "federated/client_sampler.h"

#include <algorithm>
#include <cmath>

#include "federated/client_selection.h"
#include "util/errors.h"
#include "util/random.h"

namespace trustlab {
namespace {

/// The first of a client's n examples (in arrival order) that belongs to part `part` of `parts`:
/// example i arrives in part ⌊i·parts/n⌋, so part t starts at ⌈t·n/parts⌉.
long partStart(long n, int part, int parts) { return (long(part) * n + parts - 1) / parts; }

/// The window of parts a client holds in `period`: its last `buffer` up to it.
int firstHeldPart(int period, int buffer) { return std::max(0, period - std::max(1, buffer) + 1); }

}  // namespace

ClientSampler::ClientSampler(const FederatedConfig& config, const ClientSource& clients, uint64_t seed)
    : config_(config),
      source_(clients),
      seed_(seed),
      poisson_(config.userDp && selectionRegistry().at(config.selection).byActivity),
      userLevelRate_(std::min(1.0, double(config.clientsPerRound) / double(std::max<size_t>(1, clients.clients())))) {
  if (!poisson_) return;
  if (!(config_.activityCap > 0)) {
    long total = 0;
    for (size_t k = 0; k < clients.clients(); ++k) total += clients.count(k);
    throw InputError("federated.activity_cap",
                     "user-level DP with activity selection needs a public cap (q_k = min(1, n_k / cap)); "
                     "e.g. " + std::to_string(std::max(1L, total / std::max(1, config_.clientsPerRound))) +
                         " selects about " + std::to_string(config_.clientsPerRound) + " clients a round here");
  }
  // Every client's account is bounded by that of the largest rate over all periods.
  userLevelRate_ = 0;
  for (int t = 0; t < std::max(1, config_.periods); ++t)
    for (double r : invitationRates(sizesAt(t))) userLevelRate_ = std::max(userLevelRate_, r);
}

std::vector<long> ClientSampler::sizesAt(int period) const {
  const int parts = std::max(1, config_.periods), first = firstHeldPart(period, config_.bufferPeriods);
  std::vector<long> sizes(source_.clients());
  for (size_t k = 0; k < sizes.size(); ++k) {
    const long n = source_.count(k);
    sizes[k] = partStart(n, period + 1, parts) - partStart(n, first, parts);
  }
  return sizes;
}

ClientExamples ClientSampler::examples(size_t client) const {
  auto e = source_.examples(client);
  const int parts = std::max(1, config_.periods);
  if (parts == 1) return e;
  // Without timestamps, arrival order is a shuffle: the client's own, so it is the same whichever
  // clients were fetched before.
  auto order = SplitMix64::stream(seed_ ^ 0xc0171ULL, client);
  shuffleDeterministic(e.rows, order);
  const long n = long(e.rows.size());
  e.rows = {e.rows.begin() + partStart(n, firstHeldPart(period_, config_.bufferPeriods), parts),
            e.rows.begin() + partStart(n, period_ + 1, parts)};
  return e;
}

/// The rates the rounds invite with are the rates accounted: one formula for both.
std::vector<double> ClientSampler::invitationRates(const std::vector<long>& sizes) const {
  return activityRates(sizes, config_.activityCap / (1 + config_.overSelection));
}

bool ClientSampler::advance(long round) {
  const int p = int((round - 1) * config_.periods / config_.rounds);
  if (p == period_) return false;
  period_ = p;
  sizes_ = sizesAt(period_);
  if (poisson_) rates_ = invitationRates(sizes_);
  return true;
}

std::vector<size_t> ClientSampler::invite(std::mt19937_64& rng) const {
  if (poisson_) return selectPoisson(rates_, rng);
  return selectClients(sizes_, int(std::ceil(config_.clientsPerRound * (1 + config_.overSelection))),
                       config_.selection, rng);
}

}  // namespace trustlab
