// trustlab-cli: one function per subcommand. Each returns the process exit code and throws
// InputError for bad input (mapped to exit code 2 by main).
#pragma once
#include <string>
#include <vector>

namespace trustlab::cli {

class Args;
/// --store, else the default store shared with the GUI.
std::string storePath(const Args& a);

int trainCommand(const std::vector<std::string>& args);
int flCommand(const std::vector<std::string>& args);
int runsCommand(const std::vector<std::string>& args);
int datasetsCommand(const std::vector<std::string>& args);
int privacyCommand(const std::vector<std::string>& args);
int attackCommand(const std::vector<std::string>& args);
int fairnessCommand(const std::vector<std::string>& args);
int sweepCommand(const std::vector<std::string>& args);
int pluginsCommand(const std::vector<std::string>& args);

}  // namespace trustlab::cli
