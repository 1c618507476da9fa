// core/federated: the example-level privacy account of each client when clients train with
// eDP-SGD. An example lives on one client, so its ε is that client's: the composition of every
// local step it ran, each at its own q_k = B/n_k. The run reports the worst client.
#pragma once
#include <cstddef>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

namespace trustlab {

class ClientPrivacyLedger {
 public:
  explicit ClientPrivacyLedger(double delta) : delta_(delta) {}
  /// Client `client` ran `steps` DP-SGD steps with noise multiplier σ at sample rate q.
  void add(size_t client, double sigma, double q, long steps);
  /// ε of `client` so far (0 when it never trained).
  double epsilon(size_t client) const;
  /// The largest ε of any client so far.
  double worstEpsilon() const { return worst_; }

 private:
  double delta_;
  double worst_ = 0;
  std::map<std::pair<double, double>, std::vector<double>> perStep_;  ///< RDP of one step by (σ, q)
  std::unordered_map<size_t, std::vector<double>> rdp_;                ///< each client's total RDP
};

}  // namespace trustlab
