#include "federated/system_model.h"

#include <algorithm>
#include <cmath>

#include "util/random.h"

namespace trustlab {

SystemModel::Device SystemModel::device(size_t client) const {
  auto rng = SplitMix64::stream(seed_ ^ 0x5157e3ULL, client);
  Device d;
  if (config_.speedSigma > 0) d.speed = std::exp(config_.speedSigma * rng.normal());
  if (config_.availability < 1) {
    // Beta(4a, 4(1 − a)) has mean a: most clients near it, some rarely online.
    std::gamma_distribution<double> x(4 * config_.availability, 1), y(4 * (1 - config_.availability), 1);
    const double gx = x(rng), gy = y(rng);
    d.availability = gx / (gx + gy);
  }
  return d;
}

RoundTiming SystemModel::simulate(const std::vector<size_t>& selected, const std::vector<long>& work, int wanted,
                                  std::mt19937_64& rng) const {
  RoundTiming t;
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<double, size_t>> finish;
  for (size_t i = 0; i < selected.size(); ++i) {
    const size_t c = selected[i];
    const auto d = device(c);
    if (u(rng) >= d.availability) {
      t.dropped++;
      continue;
    }
    finish.push_back({double(work[i]) / (config_.examplesPerSecond * d.speed) + config_.uploadSeconds, c});
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
