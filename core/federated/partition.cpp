#include "federated/partition.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <unordered_map>

#include "util/errors.h"

namespace trustlab {
namespace {

std::vector<double> dirichlet(const std::vector<double>& concentration, std::mt19937_64& rng) {
  std::vector<double> x;
  double sum = 0;
  for (double a : concentration) {
    std::gamma_distribution<double> g(std::max(a, 1e-6), 1.0);
    x.push_back(g(rng));
    sum += x.back();
  }
  if (sum <= 0) return std::vector<double>(concentration.size(), 1.0 / double(concentration.size()));
  for (auto& v : x) v /= sum;
  return x;
}

void requireClients(int clients, long examples) {
  if (clients < 1) throw InputError("federated.clients", "must be ≥ 1");
  if (clients > examples) throw InputError("federated.clients", "more clients than training examples");
}

}  // namespace

Partition partitionIid(long n, int clients, uint64_t seed) {
  requireClients(clients, n);
  std::vector<long> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  Partition p(static_cast<size_t>(clients));
  for (long i = 0; i < n; ++i) p[size_t(i % clients)].push_back(order[size_t(i)]);
  return p;
}

Partition partitionByUser(const std::vector<std::string>& users) {
  std::unordered_map<std::string, size_t> index;
  Partition p;
  for (size_t i = 0; i < users.size(); ++i) {
    if (users[i].empty())
      throw InputError("federated.partition", "'natural' needs a user id on every example (this dataset has none)");
    auto [it, fresh] = index.try_emplace(users[i], p.size());
    if (fresh) p.emplace_back();
    p[it->second].push_back(long(i));
  }
  return p;
}

Partition partitionDirichletLabels(const std::vector<long>& labels, int clients, double alpha, uint64_t seed) {
  const long n = long(labels.size());
  requireClients(clients, n);
  if (!(alpha > 0)) throw InputError("federated.alpha", "must be > 0");
  std::mt19937_64 rng(seed);
  std::map<long, std::vector<long>> byLabel;
  for (long i = 0; i < n; ++i) byLabel[labels[size_t(i)]].push_back(i);
  std::vector<long> labelIds;
  std::vector<double> prior;
  for (auto& [label, idx] : byLabel) {
    std::shuffle(idx.begin(), idx.end(), rng);
    labelIds.push_back(label);
    prior.push_back(alpha * double(idx.size()) / double(n));
  }
  Partition p(static_cast<size_t>(clients));
  const long size = n / clients;
  for (int k = 0; k < clients; ++k) {
    auto q = dirichlet(prior, rng);
    const long want = k + 1 == clients ? n - size * (clients - 1) : size;
    // Draw each example's label from q; an exhausted label's mass moves to the labels left.
    std::discrete_distribution<size_t> draw;
    for (long filled = 0; filled < want; ++filled) {
      double mass = 0;
      for (size_t l = 0; l < q.size(); ++l) {
        if (byLabel[labelIds[l]].empty()) q[l] = 0;
        mass += q[l];
      }
      if (mass <= 0)  // every label this client wanted is gone: take what is left, in proportion
        for (size_t l = 0; l < q.size(); ++l) q[l] = double(byLabel[labelIds[l]].size());
      draw = std::discrete_distribution<size_t>(q.begin(), q.end());
      auto& pool = byLabel[labelIds[draw(rng)]];
      p[size_t(k)].push_back(pool.back());
      pool.pop_back();
    }
  }
  return p;
}

Partition partitionDirichletQuantity(long n, int clients, double alpha, uint64_t seed) {
  requireClients(clients, n);
  if (!(alpha > 0)) throw InputError("federated.alpha", "must be > 0");
  std::mt19937_64 rng(seed);
  std::vector<long> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  std::shuffle(order.begin(), order.end(), rng);
  const auto share = dirichlet(std::vector<double>(size_t(clients), alpha), rng);
  // Every client gets one example, the rest by the Dirichlet shares (largest remainders).
  std::vector<long> sizes(static_cast<size_t>(clients), 1);
  const long rest = n - clients;
  long given = 0;
  std::vector<std::pair<double, size_t>> remainder;
  for (size_t k = 0; k < sizes.size(); ++k) {
    const double exact = share[k] * double(rest);
    sizes[k] += long(std::floor(exact));
    given += long(std::floor(exact));
    remainder.push_back({exact - std::floor(exact), k});
  }
  std::sort(remainder.rbegin(), remainder.rend());
  for (long i = 0; i < rest - given; ++i) sizes[remainder[size_t(i)].second]++;
  Partition p(static_cast<size_t>(clients));
  long at = 0;
  for (size_t k = 0; k < sizes.size(); ++k)
    for (long i = 0; i < sizes[k]; ++i) p[k].push_back(order[size_t(at++)]);
  return p;
}

Partition makePartition(const FederatedConfig& c, const std::vector<Example>& train, const std::vector<long>& labels,
                        uint64_t seed) {
  const long n = long(train.size());
  if (c.partition == "iid") return partitionIid(n, c.clients, seed);
  if (c.partition == "dirichlet") return partitionDirichletLabels(labels, c.clients, c.alpha, seed);
  if (c.partition == "quantity") return partitionDirichletQuantity(n, c.clients, c.alpha, seed);
  if (c.partition == "natural") {
    std::vector<std::string> users;
    for (const auto& e : train) users.push_back(e.user);
    return partitionByUser(users);
  }
  throw InputError("federated.partition", "must be iid, natural, dirichlet or quantity");
}

PartitionStats partitionStats(const Partition& p, const std::vector<long>& labels) {
  PartitionStats s;
  for (const auto& client : p) {
    s.sizes.push_back(long(client.size()));
    s.total += long(client.size());
    std::map<long, double> counts;
    for (long i : client) counts[labels[size_t(i)]] += 1;
    double h = 0;
    for (const auto& [l, c] : counts) {
      const double f = c / double(client.size());
      h -= f * std::log2(f);
    }
    s.labelEntropy.push_back(h);
    s.meanEntropy += h;
  }
  if (!p.empty()) s.meanEntropy /= double(p.size());
  // Gini coefficient of client sizes: 0 = all equal, → 1 = one client holds everything.
  auto sorted = s.sizes;
  std::sort(sorted.begin(), sorted.end());
  double weighted = 0;
  for (size_t i = 0; i < sorted.size(); ++i) weighted += double(i + 1) * double(sorted[i]);
  if (s.total > 0)
    s.giniOfSizes = 2 * weighted / (double(sorted.size()) * double(s.total)) - (double(sorted.size()) + 1) / double(sorted.size());
  return s;
}

}  // namespace trustlab
