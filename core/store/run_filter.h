// core/store: runs chosen by an expression, as MLflow's search filter and W&B's run filters
// choose them: `privacy.target_epsilon < 3 and test/accuracy > 0.9`, `status = failed or not
// note`, `name ~ edp`. A key names a run field (id, name, status, experiment, seed), a latest
// metric (test/accuracy), a param (privacy.mode), a tag (note) or a field of the run's spec
// (privacy.target_epsilon; absent when its section is off: a non-private run has no target ε),
// looked up in that order.
// Numbers compare as numbers, anything else as text; a run without the key matches no
// comparison (as NULL in SQL). A bare key asks whether the run has it.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "store/run_store.h"

namespace trustlab {

/// The value of `key` for a run (see above), or nullopt when it has none.
std::optional<std::string> runValue(const RunRecord& run, const std::string& key);

/// Whether `text` reads as an expression (an operator or keyword) rather than words to search for.
bool looksLikeRunFilter(const std::string& text);

class RunFilter {
 public:
  /// Parses `text`; throws InputError("filter", "… at column N") on a syntax error. Empty: all runs.
  static RunFilter parse(const std::string& text);
  bool matches(const RunRecord& run) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;  ///< null: every run
};

}  // namespace trustlab
