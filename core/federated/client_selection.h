// core/federated: which clients a round trains and with what weight. Selection and aggregation
// are separate knobs: uniform selection with sample-count weights, or activity selection
// (p ∝ n_k) with equal weights, estimate the population objective without bias; activity
// selection with sample-count weights counts heavy clients twice (documented, not forbidden).
#pragma once
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "config/registry.h"

namespace trustlab {

/// A selection rule: the k clients with the largest keys are chosen (Efraimidis–Spirakis).
struct SelectionRule {
  /// The key of a client with n_k examples from its uniform draw u ∈ (0, 1).
  std::function<double(double u, long size)> key;
  /// p ∝ n_k: with user-level DP it becomes Poisson selection at q_k = min(1, n_k / cap).
  bool byActivity = false;
  /// Every client with data equally likely (the key is u): drawn directly, in O(k) time and
  /// memory, when most clients have data (a population of millions), by keys otherwise.
  bool uniform = false;
};
/// uniform, activity and any added by plugins (federated.selection chooses).
Registry<SelectionRule>& selectionRegistry();

/// An aggregation rule: client k's weight before normalisation, from its n_k.
struct AggregationRule {
  std::function<double(long size)> weight;
  bool equal = false;  ///< every client weighs the same (what user-level DP's clip bound needs)
};
/// samples, equal and any added by plugins (federated.aggregation chooses).
Registry<AggregationRule>& aggregationRegistry();

/// `k` distinct clients. uniform: every k-subset equally likely; activity: successive sampling
/// with probability ∝ sizes (Efraimidis–Spirakis keys u^(1/n_k)), clients with no data never.
std::vector<size_t> selectClients(const std::vector<long>& sizes, int k, const std::string& rule, std::mt19937_64& rng);

/// Poisson selection by activity, for user-level DP: client k joins independently with
/// q_k = min(1, n_k / cap) for a public constant cap, so each client's sampling rate is known
/// exactly and depends on no other client's data (what its privacy account needs).
std::vector<double> activityRates(const std::vector<long>& sizes, double cap);
std::vector<size_t> selectPoisson(const std::vector<double>& rates, std::mt19937_64& rng);

/// Weights summing to 1 for the selected clients by the named rule ("samples": ∝ n_k).
std::vector<double> aggregationWeights(const std::vector<long>& sizes, const std::vector<size_t>& selected,
                                       const std::string& rule);

}  // namespace trustlab
