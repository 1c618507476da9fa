// core/federated: who a round can invite and who it does. It owns the clients' data over time
// (the continual setting's periods: each client's examples arrive in `periods` parts, in a seeded
// order of its own, and a client keeps its last `buffer_periods`), and draws each round's
// invitations by the selection rule — without replacement, or, for user-level DP with activity
// selection, Poisson at q_k = min(1, n_k / activity_cap), a public constant, so each client's rate
// is known exactly. It holds the clients' counts only; a client's examples are fetched from the
// source when a round trains it.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "federated/client_source.h"
#include "federated/federated_config.h"

namespace trustlab {

class ClientSampler {
 public:
  ClientSampler(const FederatedConfig& config, const ClientSource& clients, uint64_t seed);
  /// Moves to the period of `round` (1-based); true when the clients' data changed.
  bool advance(long round);
  int period() const { return period_; }
  /// Each client's example count in the current period.
  const std::vector<long>& sizes() const { return sizes_; }
  /// A client's examples in the current period.
  ClientExamples examples(size_t client) const;
  /// This round's invitations (over-selection included).
  std::vector<size_t> invite(std::mt19937_64& rng) const;
  /// The sampling rate user-level DP accounts each round at: K / population, or with Poisson
  /// activity selection the largest invitation rate of any client in any period.
  double userLevelRate() const { return userLevelRate_; }

 private:
  std::vector<long> sizesAt(int period) const;
  std::vector<double> invitationRates(const std::vector<long>& sizes) const;
  FederatedConfig config_;
  const ClientSource& source_;
  uint64_t seed_;
  bool poisson_;
  double userLevelRate_;
  int period_ = -1;
  std::vector<long> sizes_;
  std::vector<double> rates_;  ///< this period's invitation rates (Poisson activity selection)
};

}  // namespace trustlab
