#include "federated/partition.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <unordered_map>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cctype>
#include <functional>
#include <limits>

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

namespace {

/// n examples in a seeded random order, cut into clients of sizes ∝ `share`: every client gets one
/// example, the rest by the shares (largest remainders).
Partition partitionByShares(long n, const std::vector<double>& share, std::mt19937_64& rng) {
  std::vector<long> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  std::shuffle(order.begin(), order.end(), rng);
  const double total = std::accumulate(share.begin(), share.end(), 0.0);
  std::vector<long> sizes(share.size(), 1);
  const long rest = n - long(share.size());
  long given = 0;
  std::vector<std::pair<double, size_t>> remainder;
  for (size_t k = 0; k < sizes.size(); ++k) {
    const double exact = share[k] / total * double(rest);
    sizes[k] += long(std::floor(exact));
    given += long(std::floor(exact));
    remainder.push_back({exact - std::floor(exact), k});
  }
  std::sort(remainder.rbegin(), remainder.rend());
  for (long i = 0; i < rest - given; ++i) sizes[remainder[size_t(i)].second]++;
  Partition p(share.size());
  long at = 0;
  for (size_t k = 0; k < sizes.size(); ++k)
    for (long i = 0; i < sizes[k]; ++i) p[k].push_back(order[size_t(at++)]);
  return p;
}

}  // namespace

Partition partitionDirichletQuantity(long n, int clients, double alpha, uint64_t seed) {
  requireClients(clients, n);
  if (!(alpha > 0)) throw InputError("federated.alpha", "must be > 0");
  std::mt19937_64 rng(seed);
  const auto share = dirichlet(std::vector<double>(size_t(clients), alpha), rng);
  return partitionByShares(n, share, rng);
}

Partition partitionLogNormalQuantity(long n, int clients, double sigma, uint64_t seed) {
  requireClients(clients, n);
  if (!(sigma >= 0)) throw InputError("federated.quantity_sigma", "must be ≥ 0");
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> size(0.0, sigma);
  std::vector<double> share(static_cast<size_t>(clients));
  for (auto& s : share) s = size(rng);
  return partitionByShares(n, share, rng);
}

std::vector<long> clusterTexts(const std::vector<std::string>& texts, int k, uint64_t seed) {
  if (k < 1 || size_t(k) > texts.size()) throw InputError("federated.clusters", "must be in 1..number of examples");
  // Each text as an L2-normalised bag of hashed lower-case words: cosine k-means without a vocabulary.
  constexpr long kBuckets = 1024;
  const long n = long(texts.size());
  auto features = torch::zeros({n, kBuckets});
  auto f = features.accessor<float, 2>();
  for (long i = 0; i < n; ++i) {
    std::string word;
    const auto flush = [&] {
      if (!word.empty()) f[i][long(std::hash<std::string>{}(word) % kBuckets)] += 1;
      word.clear();
    };
    for (unsigned char c : texts[size_t(i)]) {
      if (std::isalnum(c) || c >= 0x80) word += char(std::tolower(c));
      else flush();
    }
    flush();
  }
  features = torch::nn::functional::normalize(features, torch::nn::functional::NormalizeFuncOptions().dim(1));
  // k-means++ seeding, then Lloyd iterations until the assignment stops changing; the best of a
  // few restarts (lowest inertia), as scikit-learn's n_init, since one start can merge two topics.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::Tensor best;
  double bestInertia = std::numeric_limits<double>::infinity();
  for (int restart = 0; restart < 8; ++restart) {
    std::vector<long> picked{torch::randint(n, {1}, gen, torch::kLong).item<long>()};
    auto nearest = (features - features[picked[0]]).pow(2).sum(1);
    for (int c = 1; c < k; ++c) {
      const auto w = nearest.sum().item<double>() > 0 ? nearest : torch::ones_like(nearest);
      picked.push_back(torch::multinomial(w, 1, false, gen).item<long>());
      nearest = torch::minimum(nearest, (features - features[picked.back()]).pow(2).sum(1));
    }
    auto centres = features.index_select(0, torch::tensor(picked, torch::kLong));
    torch::Tensor assign;
    for (int iteration = 0; iteration < 100; ++iteration) {
      const auto next = torch::cdist(features, centres).argmin(1);
      if (assign.defined() && next.equal(assign)) break;
      assign = next;
      auto sums = torch::zeros_like(centres).index_add_(0, assign, features);
      const auto counts = torch::bincount(assign, {}, k).to(torch::kFloat).unsqueeze(1);
      centres = torch::where(counts > 0, sums / counts.clamp_min(1), centres);  // an empty cluster keeps its centre
    }
    const double inertia = (features - centres.index_select(0, assign)).pow(2).sum().item<double>();
    if (inertia < bestInertia) bestInertia = inertia, best = assign;
  }
  const auto& assign = best;
  return std::vector<long>(assign.data_ptr<int64_t>(), assign.data_ptr<int64_t>() + n);
}

Registry<Partitioner>& partitionerRegistry() {
  static Registry<Partitioner> r("partition", "federated.partition", [](auto& reg) {
    using Config = FederatedConfig;
    using Examples = std::vector<Example>;
    using Labels = std::vector<long>;
    reg.add({"iid", "examples shuffled over equal clients"},
            {[](const Config& c, const Examples& train, const Labels&, uint64_t seed) {
               return partitionIid(long(train.size()), c.clients, seed);
             },
             {"clients"}});
    reg.add({"natural", "one client per user id (the dataset's own users)"},
            {[](const Config&, const Examples& train, const Labels&, uint64_t) {
               std::vector<std::string> users;
               for (const auto& e : train) users.push_back(e.user);
               return partitionByUser(users);
             },
             {}});
    reg.add({"dirichlet", "label skew (FedNLP): equal sizes, each client's label mix ~ Dir(α·p)"},
            {[](const Config& c, const Examples&, const Labels& labels, uint64_t seed) {
               return partitionDirichletLabels(labels, c.clients, c.alpha, seed);
             },
             {"clients", "alpha"}});
    reg.add({"quantity", "quantity skew: client sizes ~ Dir(α), labels mixed alike"},
            {[](const Config& c, const Examples& train, const Labels&, uint64_t seed) {
               return partitionDirichletQuantity(long(train.size()), c.clients, c.alpha, seed);
             },
             {"clients", "alpha"}});
    reg.add({"lognormal", "quantity skew: client sizes ∝ exp(N(0, σ²))"},
            {[](const Config& c, const Examples& train, const Labels&, uint64_t seed) {
               return partitionLogNormalQuantity(long(train.size()), c.clients, c.quantitySigma, seed);
             },
             {"clients", "quantity_sigma"}});
    reg.add({"clusters", "FedNLP's clustering skew: Dir(α) skew over k-means clusters of the texts"},
            {[](const Config& c, const Examples& train, const Labels&, uint64_t seed) {
               std::vector<std::string> texts;
               for (const auto& e : train) texts.push_back(e.text);
               return partitionDirichletLabels(clusterTexts(texts, c.clusters, seed), c.clients, c.alpha, seed);
             },
             {"clients", "alpha", "clusters"}});
  });
  return r;
}

Partition makePartition(const FederatedConfig& c, const std::vector<Example>& train, const std::vector<long>& labels,
                        uint64_t seed) {
  return partitionerRegistry().at(c.partition).make(c, train, labels, seed);
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
    s.labelCount.push_back(long(counts.size()));
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
