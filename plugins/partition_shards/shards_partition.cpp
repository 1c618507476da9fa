// Plugin: McMahan et al. 2017's pathological non-IID partition ("shards"): sort the training
// examples by label, cut them into 2·clients equal shards and give each client two shards drawn
// at random, so most clients hold at most two labels.
#include <algorithm>
#include <numeric>
#include <random>

#include "federated/partition.h"
#include "plugins/plugin_api.h"
#include "util/errors.h"

namespace {

constexpr int kShardsPerClient = 2;

trustlab::Partition shards(const trustlab::FederatedConfig& config, const std::vector<trustlab::Example>& train,
                           const std::vector<long>& labels, uint64_t seed) {
  const long n = long(train.size());
  const long count = long(config.clients) * kShardsPerClient;
  if (count > n)
    throw trustlab::InputError("federated.clients", std::to_string(config.clients) + " clients need " +
                                                        std::to_string(count) + " shards, more than the " +
                                                        std::to_string(n) + " training examples");
  std::vector<long> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  std::stable_sort(order.begin(), order.end(), [&](long a, long b) { return labels[size_t(a)] < labels[size_t(b)]; });
  std::vector<long> shardOrder(static_cast<size_t>(count));
  std::iota(shardOrder.begin(), shardOrder.end(), 0L);
  std::mt19937_64 rng(seed);
  std::shuffle(shardOrder.begin(), shardOrder.end(), rng);
  trustlab::Partition clients(size_t(config.clients));
  for (long k = 0; k < count; ++k) {
    const long shard = shardOrder[size_t(k)];
    auto& client = clients[size_t(k / kShardsPerClient)];
    for (long i = shard * n / count; i < (shard + 1) * n / count; ++i) client.push_back(order[size_t(i)]);
  }
  return clients;
}

void registerParts() {
  trustlab::partitionerRegistry().add(
      {"shards", "label-sorted shards, two per client (McMahan et al. 2017's pathological non-IID)"},
      {shards, {"clients"}});
}

}  // namespace

TRUSTLAB_PLUGIN("Shards partition", "McMahan et al. 2017's sort-and-shard non-IID partition", registerParts)
