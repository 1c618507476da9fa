// trustlab-cli: one function per subcommand. Each returns the process exit code and throws
// InputError for bad input (mapped to exit code 2 by main).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace trustlab {
struct AuditRequest;
struct AuditedRun;
}

namespace trustlab::cli {

class Args;
/// --store, else the default store shared with the GUI.
std::string storePath(const Args& a);

/// Help for the options every command that stores runs shares (store, experiment, json, …).
extern const std::map<std::string, std::string> kRunOptionHelp;

int trainCommand(const std::vector<std::string>& args);
int flCommand(const std::vector<std::string>& args);
int runsCommand(const std::vector<std::string>& args);
int reportCommand(const std::vector<std::string>& args);
int datasetsCommand(const std::vector<std::string>& args);
int privacyCommand(const std::vector<std::string>& args);
int attackCommand(const std::vector<std::string>& args);
int fairnessCommand(const std::vector<std::string>& args);
int sweepCommand(const std::vector<std::string>& args);
int studyCommand(const std::vector<std::string>& args);
int pluginsCommand(const std::vector<std::string>& args);
int auditCommand(const std::vector<std::string>& args);
int predictCommand(const std::vector<std::string>& args);
int tokenizeCommand(const std::vector<std::string>& args);
int modelCommand(const std::vector<std::string>& args);

/// Runs audit `name` on the stored run --run (of --store) with the request `makeRequest` builds
/// from it, and prints its JSON (--json) or its summary and saved files. Core errors about
/// `optionFor`'s fields name this command's options.
int runAuditCommand(const Args& a, const std::string& name,
                    const std::function<AuditRequest(const AuditedRun&)>& makeRequest,
                    const std::map<std::string, std::string>& optionFor);

}  // namespace trustlab::cli
