#include "federated/system_model.h"

#include <algorithm>
#include <cmath>

namespace trustlab {

SystemModel::SystemModel(const FederatedConfig& c, size_t clients, uint64_t seed) : config_(c) {
  std::mt19937_64 rng(seed ^ 0x5157e3ULL);
  std::lognormal_distribution<double> speed(0, std::max(0.0, c.speedSigma));
  for (size_t k = 0; k < clients; ++k) {
    speed_.push_back(c.speedSigma > 0 ? speed(rng) : 1.0);
    if (c.availability >= 1) {
      availability_.push_back(1.0);
    } else {
      // Beta(4a, 4(1 − a)) has mean a: most clients near it, some rarely online.
      std::gamma_distribution<double> x(4 * c.availability, 1), y(4 * (1 - c.availability), 1);
      const double gx = x(rng), gy = y(rng);
      availability_.push_back(gx / (gx + gy));
    }
  }
}

RoundTiming SystemModel::simulate(const std::vector<size_t>& selected, const std::vector<long>& work, int wanted,
                                  std::mt19937_64& rng) const {
  RoundTiming t;
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<double, size_t>> finish;
  for (size_t i = 0; i < selected.size(); ++i) {
    const size_t c = selected[i];
    if (u(rng) >= availability_[c]) {
      t.dropped++;
      continue;
    }
    finish.push_back({double(work[i]) / (config_.examplesPerSecond * speed_[c]) + config_.uploadSeconds, c});
  }
  std::sort(finish.begin(), finish.end());
  for (const auto& [at, c] : finish) {
    const bool inTime = config_.deadlineSeconds <= 0 || at <= config_.deadlineSeconds;
    if (inTime && int(t.reported.size()) < wanted) {
      t.reported.push_back(c);
      t.seconds = at;
    } else {
      t.late++;
      t.lateClients.push_back(c);
    }
  }
  // With a deadline the server waits for it when fewer than K reported; without, for the last kept.
  if (config_.deadlineSeconds > 0 && int(t.reported.size()) < wanted) t.seconds = config_.deadlineSeconds;
  return t;
}

}  // namespace trustlab
