// core/federated: which clients a round trains and with what weight. Selection and aggregation
// are separate knobs: uniform selection with sample-count weights, or activity selection
// (p ∝ n_k) with equal weights, estimate the population objective without bias; activity
// selection with sample-count weights counts heavy clients twice (documented, not forbidden).
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace trustlab {

/// `k` distinct clients. uniform: every k-subset equally likely; activity: successive sampling
/// with probability ∝ sizes (Efraimidis–Spirakis keys u^(1/n_k)), clients with no data never.
std::vector<size_t> selectClients(const std::vector<long>& sizes, int k, const std::string& rule, std::mt19937_64& rng);

/// Poisson selection by activity, for user-level DP: client k joins independently with
/// q_k = min(1, n_k / cap) for a public constant cap, so each client's sampling rate is known
/// exactly and depends on no other client's data (what its privacy account needs).
std::vector<double> activityRates(const std::vector<long>& sizes, double cap);
std::vector<size_t> selectPoisson(const std::vector<double>& rates, std::mt19937_64& rng);

/// Weights summing to 1 for the selected clients: "samples" (∝ n_k) or "equal".
std::vector<double> aggregationWeights(const std::vector<long>& sizes, const std::vector<size_t>& selected,
                                       const std::string& rule);

}  // namespace trustlab
