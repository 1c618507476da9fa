// core/store: several runs side by side, as MLflow's compare page shows them: the settings that
// differ (every field of the stored specs, flattened to "training.lr"), and every metric each
// run has.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/run_store.h"

namespace trustlab {

struct RunComparison {
  std::vector<long long> runs;
  /// Spec fields whose value differs between the runs (or that some run lacks): one value per run.
  std::map<std::string, std::vector<std::optional<std::string>>> differingSettings;
  long sameSettings = 0;  ///< how many fields every run has with one value
  /// Every metric any of the runs has: key → latest value per run.
  std::map<std::string, std::vector<std::optional<double>>> metrics;
};

RunComparison compareRuns(const std::vector<RunRecord>& runs);

/// Runs coloured by a setting that differs between them: `values` are its distinct values in the
/// order first met ("(none)" for a run without it), `index[i]` the i-th run's value. A setting
/// that does not differ leaves both empty (colour by run).
struct SettingColours {
  std::vector<std::string> values;
  std::vector<int> index;
};
SettingColours colourBySetting(const RunComparison& comparison, const std::string& setting);

/// A run's stored spec flattened to its leaves ("training.lr" → "0.001", text without quotes);
/// empty when unreadable. Cached by the spec's hash: filters ask it for every run, keystroke after
/// keystroke.
const std::map<std::string, std::string>& runSettings(const RunRecord& run);

}  // namespace trustlab
