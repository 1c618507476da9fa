// core/store: runs in groups, as W&B and MLflow group a run table: by experiment (a sweep's runs
// share one, "sweep:NAME"), by any run key (a param, tag or spec field: model.type, a tag "arm";
// see store/run_filter.h), or as replicates — runs whose settings are the same but for the seed,
// so that a sweep's seeds read as one row with a mean and a spread.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/run_store.h"

namespace trustlab {

/// The group-by key for replicates (every setting the same but training.seed).
inline constexpr const char* kGroupByReplicates = "replicates";

/// The groupings a run table offers before the researcher's tags: a key of groupRuns and its label.
struct RunGrouping {
  std::string key, label;
};
const std::vector<RunGrouping>& runGroupings();

struct RunGroup {
  /// What the members share: "sweep:eps", "bilstm", or for replicates the settings that tell the
  /// groups apart ("privacy.target_epsilon=3, training.lr=0.01"); "(none)" for runs without the key.
  std::string label;
  std::vector<size_t> members;  ///< indices into the runs grouped, in their order
};

/// `runs` grouped by `key` (kGroupByReplicates or a run key), groups in order of first appearance,
/// runs without the key last.
std::vector<RunGroup> groupRuns(const std::vector<RunRecord>& runs, const std::string& key);

/// A key's value over a group: the mean and sample standard deviation (n − 1; 0 for one value)
/// when every member that has it has a number, else the text they share, or "N values".
struct GroupValue {
  std::optional<double> mean;
  double std = 0;
  size_t count = 0;  ///< members with a value (with a finite one, for a mean)
  std::string text;
};
/// `key` as the run table reads it (a latest metric first, then runValue's order).
GroupValue groupValue(const std::vector<RunRecord>& runs, const RunGroup& group, const std::string& key);

}  // namespace trustlab
