#include "store/privacy_ledger.h"

#include <algorithm>

#include "privacy/dp_vocabulary.h"
#include "spec/experiment_spec.h"
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

LedgerRecomputation recomputeLedger(const std::vector<LedgerEntry>& entries, const std::string& accountant,
                                    PrivacyConfig privacy) {
  if (entries.empty()) throw InputError("run", "has no privacy ledger (not a private run)", 0, "privacy_ledger");
  const auto last = std::max_element(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  const auto training = historyFromLedger(entries);
  LedgerRecomputation r;
  r.accountant = accountant;
  r.delta = privacy.delta = last->delta;
  r.steps = totalSteps(training);
  auto history = releasesBeforeTraining(privacy);
  history.insert(history.end(), training.begin(), training.end());
  r.epsilon = computeEpsilon(accountant, history, accountantDelta(privacy)).epsilon;
  return r;
}

LedgerRecomputation recomputeLedger(const RunStore& store, long long run, const std::string& accountant) {
  const auto record = store.run(run);
  if (!record) throw InputError(store.path(), "no run with id " + std::to_string(run), 0, "run id");
  const auto spec = ExperimentSpec::fromJson(record->specJson, "run " + std::to_string(run));
  return recomputeLedger(store.ledger(run), accountant, spec.training.privacy);
}

}  // namespace trustlab
