#include "store/privacy_ledger.h"

#include <algorithm>

#include "util/errors.h"

namespace trustlab {

PrivacyHistory historyFromLedger(std::vector<LedgerEntry> entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  PrivacyHistory h;
  long previous = 0;
  for (const auto& e : entries) {
    const long steps = e.step - previous;
    previous = e.step;
    if (steps <= 0) continue;
    if (!h.empty() && h.back().noiseMultiplier == e.noiseMultiplier && h.back().sampleRate == e.sampleRate)
      h.back().steps += steps;
    else
      h.push_back({e.noiseMultiplier, e.sampleRate, steps});
  }
  return h;
}

LedgerRecomputation recomputeLedger(const std::vector<LedgerEntry>& entries, const std::string& accountant) {
  if (entries.empty()) throw InputError("run", "has no privacy ledger (not a private run)", 0, "privacy_ledger");
  const auto last = std::max_element(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  const auto history = historyFromLedger(entries);
  LedgerRecomputation r;
  r.accountant = accountant;
  r.delta = last->delta;
  r.steps = totalSteps(history);
  r.epsilon = computeEpsilon(accountant, history, r.delta).epsilon;
  return r;
}

}  // namespace trustlab
