// core/experiment: a private run's accounting history as stored (ledger rows: σ, q, cumulative
// steps, accountant, ε, δ after each logged step), turned back into a PrivacyHistory so ε can be
// recomputed later with any accountant.
#pragma once
#include <string>
#include <vector>

#include "store/run_store.h"
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

/// ε of the whole ledger with `accountant` at the δ of its last row; throws InputError when empty.
LedgerRecomputation recomputeLedger(const std::vector<LedgerEntry>& entries, const std::string& accountant);

}  // namespace trustlab
