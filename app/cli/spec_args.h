// trustlab-cli: the options of a command that runs a spec (train, fl, sweep, study): a spec file,
// every declared spec field as an option on top of it, and a few shortcuts over several fields
// (--clip auto). Errors name the option the user typed, not the spec field behind it.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "args.h"
#include "spec/experiment_spec.h"

namespace trustlab::cli {

/// The options of a command that runs a spec: its own, the spec shortcuts and the spec fields of
/// `sections`.
Args specArgs(const std::vector<std::string>& argv, std::set<std::string> valued, const std::set<std::string>& flags,
              CommandHelp help, const std::vector<std::string>& sections);

/// What train and fl take besides the spec fields: their own options with a value, their flags
/// and the spec sections they expose. Declared once for the CLI and its fuzzer (fuzz/core).
struct RunCommandOptions {
  std::set<std::string> valued, flags;
  std::vector<std::string> sections;
};
const RunCommandOptions& trainOptions();
const RunCommandOptions& flOptions();

/// The spec from an optional file, then the spec fields given as options on top (options win),
/// validated; `federated`: the command trains federated whatever the file says (fl). A field given
/// that these settings do not read gets a warning on stderr.
ExperimentSpec specFromArgs(const Args& a, bool federated = false);

}  // namespace trustlab::cli
