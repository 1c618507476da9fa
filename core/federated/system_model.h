// core/federated: the devices' side of a round on a virtual clock. Each client gets a speed
// (log-normal around 1) and an availability (Beta), drawn from its own stream when asked (nothing
// is stored per client: a population of millions costs nothing here); a round's selected clients
// drop out when unavailable, finish after their local work / (throughput · speed) + upload, and
// only the first K within the deadline are aggregated. Results report simulated wall time as well
// as rounds.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "federated/federated_config.h"

namespace trustlab {

struct RoundTiming {
  std::vector<size_t> reported;  ///< clients whose updates are aggregated, fastest first
  std::vector<size_t> lateClients;  ///< available but not aggregated (after the deadline or beyond K)
  double seconds = 0;            ///< simulated duration of the round
  int dropped = 0, late = 0;     ///< unavailable; finished after the deadline or beyond K
};

class SystemModel {
 public:
  SystemModel(const FederatedConfig& config, uint64_t seed) : config_(config), seed_(seed) {}
  /// `work[i]`: examples client selected[i] processes this round; `wanted`: K.
  RoundTiming simulate(const std::vector<size_t>& selected, const std::vector<long>& work, int wanted,
                       std::mt19937_64& rng) const;
  struct Device {
    double speed = 1, availability = 1;
  };
  Device device(size_t client) const;

 private:
  FederatedConfig config_;
  uint64_t seed_;
};

}  // namespace trustlab
