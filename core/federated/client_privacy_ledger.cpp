#include "federated/client_privacy_ledger.h"

#include <algorithm>

#include "privacy/rdp.h"

namespace trustlab {

void ClientPrivacyLedger::add(size_t client, double sigma, double q, long steps) {
  auto [it, fresh] = perStep_.try_emplace({sigma, q});
  if (fresh) it->second = rdpOfHistory({{sigma, q, 1}}, defaultRdpOrders());
  auto& total = rdp_[client];
  total.resize(it->second.size(), 0.0);
  for (size_t a = 0; a < total.size(); ++a) total[a] += double(steps) * it->second[a];
  worst_ = std::max(worst_, epsilon(client));
}

double ClientPrivacyLedger::epsilon(size_t client) const {
  const auto it = rdp_.find(client);
  return it == rdp_.end() ? 0.0 : rdpToEpsilon(defaultRdpOrders(), it->second, delta_).epsilon;
}

}  // namespace trustlab
