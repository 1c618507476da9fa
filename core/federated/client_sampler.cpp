#include "federated/client_sampler.h"

#include <algorithm>
#include <cmath>

#include "federated/client_selection.h"
#include "util/errors.h"

namespace trustlab {
namespace {

/// Each client's examples in `periods` consecutive parts (in a seeded random order: when the
/// data has no timestamps, arrival order is a shuffle).
std::vector<Partition> splitIntoPeriods(const Partition& clients, int periods, uint64_t seed) {
  std::vector<Partition> out(size_t(std::max(1, periods)), Partition(clients.size()));
  std::mt19937_64 rng(seed ^ 0xc0171ULL);
  for (size_t k = 0; k < clients.size(); ++k) {
    auto order = clients[k];
    if (periods > 1) std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i < order.size(); ++i) out[i * out.size() / order.size()][k].push_back(order[i]);
  }
  return out;
}

/// What each client holds in `period`: its last `buffer` parts up to it.
Partition dataAt(const std::vector<Partition>& periods, int period, int buffer) {
  Partition out(periods.front().size());
  for (int t = std::max(0, period - std::max(1, buffer) + 1); t <= period; ++t)
    for (size_t k = 0; k < out.size(); ++k)
      out[k].insert(out[k].end(), periods[size_t(t)][k].begin(), periods[size_t(t)][k].end());
  return out;
}

std::vector<long> sizesOf(const Partition& p) {
  std::vector<long> n;
  for (const auto& c : p) n.push_back(long(c.size()));
  return n;
}

}  // namespace

ClientSampler::ClientSampler(const FederatedConfig& config, const Partition& clients, uint64_t seed)
    : config_(config),
      periods_(splitIntoPeriods(clients, config.periods, seed)),
      poisson_(config.userDp && selectionRegistry().at(config.selection).byActivity),
      userLevelRate_(std::min(1.0, double(config.clientsPerRound) / double(std::max<size_t>(1, clients.size())))) {
  if (!poisson_) return;
  if (!(config_.activityCap > 0)) {
    long total = 0;
    for (const auto& c : clients) total += long(c.size());
    throw InputError("federated.activity_cap",
                     "user-level DP with activity selection needs a public cap (q_k = min(1, n_k / cap)); "
                     "e.g. " + std::to_string(std::max(1L, total / std::max(1, config_.clientsPerRound))) +
                         " selects about " + std::to_string(config_.clientsPerRound) + " clients a round here");
  }
  // Every client's account is bounded by that of the largest rate over all periods.
  userLevelRate_ = 0;
  for (int t = 0; t < std::max(1, config_.periods); ++t)
    for (double r : invitationRates(sizesOf(dataAt(periods_, t, config_.bufferPeriods))))
      userLevelRate_ = std::max(userLevelRate_, r);
}

/// The rates the rounds invite with are the rates accounted: one formula for both.
std::vector<double> ClientSampler::invitationRates(const std::vector<long>& sizes) const {
  return activityRates(sizes, config_.activityCap / (1 + config_.overSelection));
}

bool ClientSampler::advance(long round) {
  const int p = int((round - 1) * config_.periods / config_.rounds);
  if (p == period_) return false;
  period_ = p;
  current_ = dataAt(periods_, period_, config_.bufferPeriods);
  sizes_ = sizesOf(current_);
  if (poisson_) rates_ = invitationRates(sizes_);
  return true;
}

std::vector<size_t> ClientSampler::invite(std::mt19937_64& rng) const {
  if (poisson_) return selectPoisson(rates_, rng);
  return selectClients(sizes_, int(std::ceil(config_.clientsPerRound * (1 + config_.overSelection))),
                       config_.selection, rng);
}

}  // namespace trustlab
