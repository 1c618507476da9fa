#include "privacy/accountant.h"

#include <map>
#include <mutex>
#include <utility>

#include "privacy/gdp.h"
#include "privacy/prv.h"
#include "privacy/rdp.h"

namespace trustlab {
namespace {

/// The RDP of one step at every default order for (σ, q), computed once per process: a federated
/// run's per-client ledgers (one accountant per client) share the clients' few distinct rates.
const std::vector<double>& rdpPerStep(double sigma, double q) {
  static std::mutex mutex;
  static std::map<std::pair<double, double>, std::vector<double>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, fresh] = cache.try_emplace({sigma, q});
  if (fresh) it->second = rdpOfHistory({{sigma, q, 1}}, defaultRdpOrders());
  return it->second;  // std::map nodes never move
}

/// RDP (Mironov et al. 2019): each phase's per-step RDP at every order scaled by its steps, so
/// asking ε after every logged step stays cheap.
class RdpAccountant : public Accountant {
 protected:
  EpsilonResult epsilonOf(const PrivacyHistory& history, double delta) const override {
    const auto& orders = defaultRdpOrders();
    std::vector<double> total(orders.size(), 0.0);
    for (const auto& p : history) {
      if (p.steps == 0) continue;
      const auto& perStep = rdpPerStep(p.noiseMultiplier, p.sampleRate);
      for (size_t k = 0; k < orders.size(); ++k) total[k] += double(p.steps) * perStep[k];
    }
    return rdpToEpsilon(orders, total, delta);
  }
};

/// PRV (Gopi et al. 2021): the rigorous upper end of its error interval.
class PrvAccountant : public Accountant {
 protected:
  EpsilonResult epsilonOf(const PrivacyHistory& history, double delta) const override {
    const auto r = prvEpsilon(history, delta);
    EpsilonResult out{r.upper, 0, {}};
    if (!r.rdpFallback.empty()) out.warning = "PRV cannot answer here (" + r.rdpFallback + "): the RDP bound is reported";
    return out;
  }
};

/// GDP through the central limit theorem (Bu et al. 2020): an approximation.
class GdpAccountant : public Accountant {
 protected:
  EpsilonResult epsilonOf(const PrivacyHistory& history, double delta) const override {
    return {gdpEpsilon(history, delta), 0, {}};
  }
};

template <typename T>
AccountantEntry entry(std::string label, std::string caveat = {}, bool costly = false,
                      std::function<double(const PrivacyHistory&, double)> guide = nullptr) {
  return {[] { return std::unique_ptr<Accountant>(new T); }, std::move(label), std::move(caveat), costly,
          std::move(guide)};
}

}  // namespace

void Accountant::compose(double noiseMultiplier, double sampleRate, long steps) {
  validatePhase({noiseMultiplier, sampleRate, steps});
  if (steps == 0) return;
  if (!history_.empty() && history_.back().noiseMultiplier == noiseMultiplier &&
      history_.back().sampleRate == sampleRate)
    history_.back().steps += steps;
  else
    history_.push_back({noiseMultiplier, sampleRate, steps});
}

EpsilonResult Accountant::epsilonResult(double delta) const {
  validatePrivacyInputs(history_, delta);
  if (steps() == 0) return {0, 0};
  return epsilonOf(history_, delta);
}

Registry<AccountantEntry>& accountantRegistry() {
  static Registry<AccountantEntry> r("accountant", "privacy.accountant", [](auto& reg) {
    reg.add({kRdpAccountant, "Rényi DP (Mironov et al. 2019), compatible with Opacus and TF-Privacy"},
            entry<RdpAccountant>("RDP"));
    reg.add({"prv", "PRV (Gopi et al. 2021): FFT composition of the privacy loss, a rigorous upper bound"},
            entry<PrvAccountant>("PRV (upper bound)", {}, true, prvGuideEpsilon));
    reg.add({"gdp", "Gaussian DP via the central limit theorem (Bu et al. 2020): an approximation"},
            entry<GdpAccountant>("GDP (CLT approximation)", "CLT approximation"));
  });
  return r;
}

std::unique_ptr<Accountant> makeAccountant(const std::string& name) {
  auto a = accountantRegistry().at(name).make();
  a->name_ = name;
  return a;
}

}  // namespace trustlab
