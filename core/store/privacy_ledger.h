// core/store: a private run's accounting history as stored (ledger rows: σ, q, cumulative
// steps, accountant, ε, δ after each logged step), turned back into a PrivacyHistory so ε can be
// recomputed later with any accountant. The ledger holds training's steps; what a run released
// before them (a DP vocabulary) follows from its spec.
#pragma once
#include <string>
#include <vector>

#include "store/run_store.h"
#include "privacy/dp_config.h"
#include "privacy/privacy_history.h"

namespace trustlab {

/// Phases from ledger rows: the steps between two rows ran with the later row's σ and q.
/// Rows may come in any order; equal consecutive (σ, q) phases are merged.
PrivacyHistory historyFromLedger(std::vector<LedgerEntry> entries);

struct LedgerRecomputation {
  std::string accountant;
  double epsilon = 0, delta = 0;
  long steps = 0;
};

/// ε of the whole ledger with `accountant` at the δ of its last row, with what the run released
/// before training (its spec's `privacy`: a DP vocabulary, privacy/dp_vocabulary.h) composed in;
/// throws InputError when empty.
LedgerRecomputation recomputeLedger(const std::vector<LedgerEntry>& entries, const std::string& accountant,
                                    PrivacyConfig privacy);
/// recomputeLedger of run `run` in `store`, with the privacy section of the run's stored spec.
LedgerRecomputation recomputeLedger(const RunStore& store, long long run, const std::string& accountant);

}  // namespace trustlab
