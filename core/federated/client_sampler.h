// core/federated: who a round can invite and who it does. It owns the clients' data over time
// (the continual setting's periods: each client's examples arrive in `periods` parts and a client
// keeps its last `buffer_periods`), and draws each round's invitations by the selection rule —
// without replacement, or, for user-level DP with activity selection, Poisson at
// q_k = min(1, n_k / activity_cap), a public constant, so each client's rate is known exactly.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "federated/federated_config.h"
#include "federated/partition.h"

namespace trustlab {

class ClientSampler {
 public:
  ClientSampler(const FederatedConfig& config, const Partition& clients, uint64_t seed);
  /// Moves to the period of `round` (1-based); true when the clients' data changed.
  bool advance(long round);
  int period() const { return period_; }
  /// Each client's examples in the current period, and their counts.
  const Partition& data() const { return current_; }
  const std::vector<long>& sizes() const { return sizes_; }
  /// This round's invitations (over-selection included).
  std::vector<size_t> invite(std::mt19937_64& rng) const;
  /// The sampling rate user-level DP accounts each round at: K / population, or with Poisson
  /// activity selection the largest invitation rate of any client in any period.
  double userLevelRate() const { return userLevelRate_; }

 private:
  std::vector<double> invitationRates(const std::vector<long>& sizes) const;
  FederatedConfig config_;
  std::vector<Partition> periods_;
  bool poisson_;
  double userLevelRate_;
  int period_ = -1;
  Partition current_;
  std::vector<long> sizes_;
  std::vector<double> rates_;  ///< this period's invitation rates (Poisson activity selection)
};

}  // namespace trustlab
