#include "audits/audit.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "audits/canary_audit.h"
#include "audits/ceat_audit.h"
#include "audits/eec_audit.h"
#include "audits/fairness_audit.h"
#include "audits/gradient_canary_audit.h"
#include "audits/membership_audit.h"
#include "audits/weat_audit.h"
#include "util/errors.h"
#include "util/runtime.h"
#include "util/text.h"
#include "util/private_files.h"

namespace trustlab {
namespace {

std::string fillScope(std::string pattern, const std::string& scope) {
  if (const auto at = pattern.find("{scope}"); at != std::string::npos) pattern.replace(at, 7, scope);
  return pattern;
}

/// The audit's declared keys (none when it declares no list).
std::vector<AuditMetricKey> declaredKeys(const Audit& audit) {
  return audit.metrics ? audit.metrics() : std::vector<AuditMetricKey>{};
}

bool isDeclared(const std::vector<AuditMetricKey>& keys, const std::string& key) {
  return std::any_of(keys.begin(), keys.end(), [&](const AuditMetricKey& k) { return k.key == key; });
}

/// The request's settings checked against the audit's declarations, defaults filled in.
std::map<std::string, std::string> completeSettings(const Audit& audit, const std::string& name,
                                                    const std::map<std::string, std::string>& given) {
  std::vector<std::string> keys;
  for (const auto& s : audit.settings) keys.push_back(s.key);
  for (const auto& [key, value] : given)
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      throw InputError("audit '" + name + "'", "has no setting '" + key + "' (" +
                                                  (keys.empty() ? std::string("it takes none") : "settings: " + joinNames(keys, ", ")) + ")",
                       0, "settings");
  auto out = given;
  for (const auto& s : audit.settings)
    if (out.find(s.key) == out.end() || out[s.key].empty()) out[s.key] = s.defaultValue;
  return out;
}

}  // namespace

long integerSetting(const AuditRequest& request, const std::string& key, long minimum) {
  const auto it = request.settings.find(key);
  const auto value = it == request.settings.end() ? std::nullopt : parseFiniteNumber(it->second);
  if (!value || *value != std::floor(*value) || *value < double(minimum) || *value > 1e12)
    throw InputError("audit setting", "'" + (it == request.settings.end() ? std::string() : it->second) +
                                          "' is not an integer ≥ " + std::to_string(minimum), 0, key);
  return long(*value);
}

Registry<Audit>& auditRegistry() {
  static Registry<Audit> r("audit", "", [](auto& reg) {
    reg.add({kMembershipAudit, "Membership inference: which examples trained the model"}, membershipAudit());
    reg.add({kCanaryAudit, "Canaries: exposure and model inversion of planted secrets"}, canaryAudit());
    reg.add({kGradientCanaryAudit, "White-box DP audit: gradient canaries in the steps, ε lower bound vs theory"},
            gradientCanaryAudit());
    reg.add({kFairnessAudit, "Fairness: group rates, disparities and counterfactuals"}, fairnessAudit());
    reg.add({kWeatAudit, "WEAT/SEAT on the model's token embeddings"}, weatAudit());
    reg.add({kCeatAudit, "CEAT on the model's contextual token states, in sentences of a corpus"}, ceatAudit());
    reg.add({kEecAudit, "EEC probe: the gender gap in a sentiment classifier's scores"}, eecAudit());
  });
  return r;
}

std::string auditMetricKey(const std::string& name, const std::string& scope, const std::string& metric) {
  const Audit& audit = auditRegistry().at(name);
  if (!isDeclared(declaredKeys(audit), metric))
    throw InputError("audit '" + name + "'", "declares no metric '" + metric + "'");
  return fillScope(audit.prefix, scope) + metric;
}

std::vector<AuditMetricColumn> auditMetricColumns(AuditFamily family, bool headlineOnly) {
  std::vector<AuditMetricColumn> out;
  for (const auto& item : auditRegistry().items()) {
    const Audit& audit = auditRegistry().at(item.name);
    if (audit.family != family) continue;
    std::vector<std::string> scopes;
    if (audit.prefix.find("{scope}") == std::string::npos) scopes = {""};
    else if (audit.argument.kind == AuditArgument::Choice)
      for (const auto& choice : audit.argument.choices()) scopes.push_back(choice.name);
    for (const auto& scope : scopes)
      for (const auto& key : declaredKeys(audit))
        if (key.headline || !headlineOnly)
          out.push_back({fillScope(audit.prefix, scope) + key.key, fillScope(key.label, scope), key.unit});
  }
  return out;
}

std::string auditArtifactPath(const std::string& storePath, long long runId, const std::string& file) {
  return runArtifactDir(storePath, runId) + "/" + file;
}

void recordAudit(RunStore& store, long long runId, const std::string& name, const AuditOutcome& outcome) {
  if (outcome.cancelled) return;
  const Audit& audit = auditRegistry().at(name);
  const std::string prefix = fillScope(audit.prefix, outcome.scope);
  const double t = unixSeconds();
  std::vector<RunStore::Metric> logged;
  const auto keys = declaredKeys(audit);  // once: an audit over a registry builds its list
  for (const auto& m : outcome.metrics) {
    if (!isDeclared(keys, m.key))
      throw InputError("audit '" + name + "'", "recorded metric '" + m.key + "', which it does not declare");
    if (std::isfinite(m.value)) logged.push_back({prefix + m.key, 0, m.value, t});
  }
  store.logMetrics(runId, logged);
  for (const auto& [tag, value] : outcome.tags) store.setTag(runId, tag, value);
  for (const auto& [file, content] : outcome.files) {
    const auto path = auditArtifactPath(store.path(), runId, file);
    createPrivateDirectories(std::filesystem::path(path).parent_path());
    std::ofstream out(path);
    out << content;
    if (!out) throw InputError(path, "could not write the audit's " + file);
  }
}

AuditOutcome runAudit(RunStore& store, long long runId, const AuditedRun& run, const std::string& name,
                      const AuditRequest& request) {
  const Audit& audit = auditRegistry().at(name);
  AuditRequest r = request;
  r.settings = completeSettings(audit, name, request.settings);
  if (r.argument.empty() && audit.argument.defaultValue) r.argument = audit.argument.defaultValue(run);
  if (audit.argument.kind == AuditArgument::Choice && !r.argument.empty()) {
    std::vector<std::string> allowed;
    for (const auto& c : audit.argument.choices()) allowed.push_back(c.name);
    if (std::find(allowed.begin(), allowed.end(), r.argument) == allowed.end())
      throw InputError("audit '" + name + "'", "unknown " + audit.argument.help + " '" + r.argument + "' (" +
                                                  (closestMatch(r.argument, allowed).empty()
                                                       ? std::string()
                                                       : "did you mean '" + closestMatch(r.argument, allowed) + "'? ") +
                                                  "one of " + joinNames(allowed, ", ") + ")",
                       0, "argument");
  }
  if (audit.argument.kind == AuditArgument::File && r.argument.empty())
    throw InputError("audit '" + name + "'", "needs a file: " + audit.argument.help, 0, "argument");
  auto outcome = audit.run(run, r);
  recordAudit(store, runId, name, outcome);
  return outcome;
}

}  // namespace trustlab
