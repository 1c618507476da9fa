#include "federated/client_privacy_ledger.h"

#include <algorithm>

namespace trustlab {

void ClientPrivacyLedger::add(size_t client, double sigma, double q, long steps) {
  auto& account = clients_[client];
  if (!account) account = makeAccountant(accountant_);
  account->compose(sigma, q, steps);
  worst_ = std::max(worst_, account->epsilon(delta_));
}

double ClientPrivacyLedger::epsilon(size_t client) const {
  const auto it = clients_.find(client);
  return it == clients_.end() ? 0.0 : it->second->epsilon(delta_);
}

}  // namespace trustlab
