// trustlab-cli audit: every audit of the registry (plugins' included) on a stored run, with its
// one argument and the metrics it declares; `attack` and `fairness` are the same audits with
// their typed options. Results are recorded on the run (audit/… and fairness/… metrics).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.h"
#include "audits/audit.h"
#include "cli_commands.h"
#include "util/errors.h"
#include "util/runtime.h"
#include "util/text.h"

namespace trustlab::cli {
namespace {

const char* argumentKind(const AuditArgument& a) {
  return a.kind == AuditArgument::Choice ? "choice" : a.kind == AuditArgument::File ? "file" : "none";
}

nlohmann::json settingsJson(const Audit& audit) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : audit.settings)
    out.push_back({{"key", s.key}, {"help", s.help}, {"default", s.defaultValue}, {"file", !s.fileFilter.empty()}});
  return out;
}

/// --set "key=value[,key=value…]": the audit's settings.
std::map<std::string, std::string> parseSettings(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const auto& item : split(text, ',')) {
    const auto eq = item.find('=');
    if (trim(item).empty()) continue;
    if (eq == std::string::npos || eq == 0) throw InputError("--set", "'" + item + "': expected key=value");
    out[trim(item.substr(0, eq))] = trim(item.substr(eq + 1));
  }
  return out;
}

int listAudits(const Args& a) {
  const auto& registry = auditRegistry();
  if (a.has("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : registry.items()) {
      const Audit& audit = registry.at(item.name);
      nlohmann::json metrics = nlohmann::json::array();
      for (const auto& k : audit.metrics())
        metrics.push_back({{"key", audit.prefix + k.key}, {"label", k.label}, {"unit", k.unit}, {"headline", k.headline}});
      nlohmann::json choices = nlohmann::json::array();
      if (audit.argument.choices)
        for (const auto& c : audit.argument.choices()) choices.push_back(c.name);
      out.push_back({{"name", item.name}, {"description", item.description}, {"origin", item.origin},
                     {"family", audit.family == AuditFamily::Privacy ? "privacy" : "fairness"},
                     {"argument", {{"kind", argumentKind(audit.argument)}, {"help", audit.argument.help}, {"choices", choices}}},
                     {"settings", settingsJson(audit)},
                     {"metrics", metrics}});
    }
    std::cout << out.dump() << std::endl;
    return 0;
  }
  for (const auto& item : registry.items()) {
    const Audit& audit = registry.at(item.name);
    std::printf("%s — %s%s\n", item.name.c_str(), item.description.c_str(),
                item.origin.empty() ? "" : (" (" + item.origin + ")").c_str());
    if (audit.argument.kind != AuditArgument::None) {
      std::string choices;
      if (audit.argument.choices) {
        std::vector<std::string> names;
        for (const auto& c : audit.argument.choices()) names.push_back(c.name);
        choices = ": " + joinNames(names, ", ");
      }
      std::printf("  --with %s%s\n", audit.argument.help.c_str(), choices.c_str());
    }
    for (const auto& setting : audit.settings)
      std::printf("  --set %s=…  %s (default %s)\n", setting.key.c_str(), setting.help.c_str(), setting.defaultValue.c_str());
    if (audit.prefix.find("{scope}") != std::string::npos)
      std::printf("  ({scope}: named after the %s)\n", audit.argument.help.c_str());
    for (const auto& k : audit.metrics())
      std::printf("  %s%s  %s%s\n", audit.prefix.c_str(), k.key.c_str(), k.label.c_str(),
                  k.unit.empty() ? "" : (" [" + k.unit + "]").c_str());
  }
  return 0;
}

}  // namespace

int runAuditCommand(const Args& a, const std::string& name,
                    const std::function<AuditRequest(const AuditedRun&)>& makeRequest,
                    const std::map<std::string, std::string>& optionFor) {
  if (!a.has("run")) throw InputError("--run", "is required (a run id from 'runs list')");
  const long long id = a.getLong("run", 0);
  configureThreads(int(a.getLong("threads", 0)));
  RunStore store(storePath(a));
  const auto run = loadRunForAudit(store, id);
  const auto out = namingOptions(optionFor, [&] { return runAudit(store, id, run, name, makeRequest(run)); });
  if (a.has("json")) {
    std::cout << out.json << std::endl;
    return 0;
  }
  std::string summary = out.summary;
  while (!summary.empty() && summary.back() == '\n') summary.pop_back();
  std::printf("run %lld: %s\n", id, summary.c_str());
  for (const auto& [file, content] : out.files)
    std::printf("  saved %s\n", auditArtifactPath(store.path(), id, file).c_str());
  return 0;
}

int auditCommand(const std::vector<std::string>& argv) {
  if (argv.empty()) throw InputError("audit", "expects a subcommand: list, or an audit (" +
                                                  joinNames(auditRegistry().names(), ", ") + ")");
  const Args a(std::vector<std::string>(argv.begin() + 1, argv.end()),
               {"run", "store", "with", "positive", "threads", "set"}, {"json"});
  if (argv[0] == "list") return listAudits(a);
  auditRegistry().at(argv[0]);  // an unknown audit is named before the run is read
  AuditRequest request;
  request.argument = a.get("with", "");
  request.positiveLabel = a.get("positive", "");
  request.settings = parseSettings(a.get("set", ""));
  if (!a.has("json")) request.progress = [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); };
  return runAuditCommand(a, argv[0], [&](const AuditedRun&) { return request; },
                         {{"argument", "with"}, {"positive_label", "positive"}, {"settings", "set"}});
}

}  // namespace trustlab::cli
