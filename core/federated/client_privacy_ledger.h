// core/federated: the example-level privacy account of each client when clients train with
// eDP-SGD. An example lives on one client, so its ε is that client's: the composition of every
// local step it ran, each at its own q_k = B/n_k, by the run's accountant. The run reports the
// worst client.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "privacy/accountant.h"

namespace trustlab {

class ClientPrivacyLedger {
 public:
  ClientPrivacyLedger(std::string accountant, double delta) : accountant_(std::move(accountant)), delta_(delta) {}
  /// Client `client` ran `steps` DP-SGD steps with noise multiplier σ at sample rate q.
  void add(size_t client, double sigma, double q, long steps);
  /// ε of `client` so far (0 when it never trained).
  double epsilon(size_t client) const;
  /// The largest ε of any client so far.
  double worstEpsilon() const { return worst_; }

 private:
  std::string accountant_;
  double delta_;
  double worst_ = 0;
  std::unordered_map<size_t, std::unique_ptr<Accountant>> clients_;
};

}  // namespace trustlab
