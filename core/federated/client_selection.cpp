#include "federated/client_selection.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "util/errors.h"

namespace trustlab {

Registry<SelectionRule>& selectionRegistry() {
  static Registry<SelectionRule> r("client selection", "federated.selection", [](auto& reg) {
    reg.add({"uniform", "every set of K clients equally likely"}, {[](double u, long) { return u; }, false, true});
    reg.add({"activity", "p ∝ the client's number of examples, without replacement"},
            {[](double u, long size) { return std::log(u) / double(size); }, true});  // log of u^(1/n_k)
  });
  return r;
}

Registry<AggregationRule>& aggregationRegistry() {
  static Registry<AggregationRule> r("aggregation", "federated.aggregation", [](auto& reg) {
    reg.add({"samples", "weights ∝ the client's number of examples (FedAvg)"},
            {[](long size) { return double(size); }, false});
    reg.add({"equal", "every reporting client weighs the same"}, {[](long) { return 1.0; }, true});
  });
  return r;
}

namespace {

/// k distinct clients with data by sequential draws from all clients, rejecting repeats and clients
/// without data: each accepted draw is uniform over the eligible clients not yet chosen, so every
/// k-subset is equally likely. Empty when rejections pile up (few clients have data, or k is near
/// their number): the caller then draws keys.
std::vector<size_t> drawDistinct(const std::vector<long>& sizes, size_t k, std::mt19937_64& rng) {
  std::uniform_int_distribution<size_t> any(0, sizes.size() - 1);
  std::unordered_set<size_t> chosen;
  std::vector<size_t> out;
  for (size_t rejected = 0; out.size() < k;) {
    const size_t c = any(rng);
    if (sizes[c] > 0 && chosen.insert(c).second) {
      out.push_back(c);
    } else if (++rejected > 4 * k + 64) {
      return {};
    }
  }
  return out;
}

}  // namespace

std::vector<size_t> selectClients(const std::vector<long>& sizes, int k, const std::string& rule, std::mt19937_64& rng) {
  if (k < 1) throw InputError("federated.clients_per_round", "must be ≥ 1");
  const auto& entry = selectionRegistry().at(rule);
  if (entry.uniform && !sizes.empty() && size_t(k) <= sizes.size() / 4)
    if (auto drawn = drawDistinct(sizes, size_t(k), rng); !drawn.empty()) return drawn;
  const auto& key = entry.key;
  std::vector<std::pair<double, size_t>> keys;
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t c = 0; c < sizes.size(); ++c) {
    if (sizes[c] <= 0) continue;
    keys.push_back({key(u(rng), sizes[c]), c});
  }
  const size_t take = std::min(keys.size(), size_t(k));
  std::partial_sort(keys.begin(), keys.begin() + long(take), keys.end(), std::greater<>());
  std::vector<size_t> out;
  for (size_t i = 0; i < take; ++i) out.push_back(keys[i].second);
  return out;
}

std::vector<double> aggregationWeights(const std::vector<long>& sizes, const std::vector<size_t>& selected,
                                       const std::string& rule) {
  const auto& weight = aggregationRegistry().at(rule).weight;
  std::vector<double> w;
  for (size_t c : selected) w.push_back(weight(sizes[c]));
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (auto& x : w) x /= total;
  return w;
}

std::vector<double> activityRates(const std::vector<long>& sizes, double cap) {
  if (!(cap > 0)) throw InputError("federated.activity_cap", "must be > 0");
  std::vector<double> q;
  for (long n : sizes) q.push_back(std::min(1.0, double(std::max(0L, n)) / cap));
  return q;
}

std::vector<size_t> selectPoisson(const std::vector<double>& rates, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<size_t> out;
  for (size_t k = 0; k < rates.size(); ++k)
    if (u(rng) < rates[k]) out.push_back(k);
  return out;
}

}  // namespace trustlab
