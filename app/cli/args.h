// trustlab-cli: command-line parsing with CLI11. "--key value", "--key=value" and boolean
// "--flag"; a command may also take every declared field of some spec sections as options
// ("--lr 3e-4", help and defaults from the declarations). Anything unknown is an InputError naming
// the option (exit code 2); --help throws HelpRequested with the command's help text.
#pragma once
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/errors.h"

namespace trustlab::cli {

/// --help was given: the text to print (exit code 0).
class HelpRequested : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CommandHelp {
  std::string name;                         ///< "trustlab-cli train"
  std::string description;                  ///< one paragraph
  std::map<std::string, std::string> help;  ///< option → one line, for the command's own options
  std::string positional = "args";          ///< what positional arguments are ("SPEC.json")
  std::string positionalHelp = "arguments";
};

class Args {
 public:
  /// `valued` options take a value; `flags` do not. `specSections` ("", "data", "model", …) adds
  /// one option per declared field with a command-line name.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& flags,
       const CommandHelp& help = {}, const std::vector<std::string>& specSections = {});
  bool has(const std::string& key) const { return values_.count(key) > 0; }
  std::string get(const std::string& key, const std::string& fallback = {}) const;
  long getLong(const std::string& key, long fallback) const;
  double getDouble(const std::string& key, double fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }
  /// The options given (without their dashes).
  std::set<std::string> given() const;

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

/// Runs `f`; an InputError about a field of core's options that an option of this command sets
/// (`optionFor`: field → option, "positive_label" → "positive") is re-thrown naming the option, so
/// core's messages name its own fields and the user still reads "--positive".
template <typename F>
auto namingOptions(const std::map<std::string, std::string>& optionFor, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const InputError& e) {
    const auto it = optionFor.find(e.field());
    if (it == optionFor.end()) throw;
    throw InputError("--" + it->second, e.message());
  }
}

}  // namespace trustlab::cli
