// core/audits: the audits of a stored run behind one interface. An audit declares the metrics it
// records (keys relative to its prefix, each with a label and a unit) and what its one argument
// means; run on a stored run's model and data it returns named metrics, a summary, its JSON and
// the typed report. recordAudit stores the metrics on the run, refusing any key the audit did not
// declare, so what the run browser, sweeps and the tradeoff view read is what audits promise.
// Built in: membership (one scope per membership attack), canary, gradient_canaries (white-box DP),
// fairness, weat, ceat, eec; plugins add more.
#pragma once
#include <any>
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "audits/audited_run.h"
#include "config/registry.h"
#include "util/errors.h"

namespace trustlab {

/// Where an audit's results count: the tradeoff view and sweep tables plot privacy audits' leakage.
enum class AuditFamily { Privacy, Fairness };

/// The unit of a metric that is itself a privacy loss (an attack's empirical ε lower bound): such
/// metrics are plotted against the training's theoretical ε, which must bound them.
inline constexpr char kEpsilonUnit[] = "ε";

struct AuditMetricKey {
  std::string key;         ///< relative to the audit's prefix: "auc"
  std::string label;       ///< for axes and table headers; "{scope}" is replaced: "MIA AUC ({scope})"
  std::string unit;        ///< "" for rates and scores in [0, 1]; else shown on its own axis ("bits")
  bool headline = false;   ///< offered by default in sweep tables and the tradeoff view
};

/// What an audit's one argument is. Choice: one of choices() (the membership attack); File: a
/// file it reads (a WEAT test; the EEC corpus, defaultValue() when empty).
struct AuditArgument {
  enum Kind { None, Choice, File } kind = None;
  std::string help;        ///< "membership attack", "WEAT/SEAT test (sent-bias format)"
  std::string fileFilter;  ///< File: for open dialogs, "Association tests (*.jsonl *.json)"
  std::string dataFolder;  ///< File: where under the data root such files live ("weat_seat")
  std::function<std::vector<RegistryItem>()> choices;          ///< Choice: the allowed values, in menu order
  std::function<std::string(const AuditedRun&)> defaultValue;  ///< when the request leaves it empty
};

/// A setting an audit takes besides its argument (CEAT's corpus and sample counts). Front ends
/// offer every declared one (the CLI's --set key=value, the GUI's audit dialog); runAudit refuses
/// undeclared keys and fills in the defaults of those not given, so the audit reads them all.
struct AuditSetting {
  std::string key;           ///< "corpus"
  std::string help;          ///< one line: "sentences to take contexts from (one per line)"
  std::string defaultValue;  ///< "default"
  std::string fileFilter;    ///< non-empty: the value may be a file, offered with an open dialog
};

struct AuditRequest {
  std::string argument;       ///< see the audit's AuditArgument; empty: its default
  std::string positiveLabel;  ///< the class scored by audits that need one; empty: their default
  std::any options;           ///< the audit's own typed options (e.g. MembershipAuditOptions); empty: from the spec
  std::function<void(const std::string&)> progress;
  const std::atomic<bool>* stop = nullptr;
  std::map<std::string, std::string> settings;  ///< values of the audit's declared settings
};

/// The request's typed options, or `fallback` when it carries none. InputError when they are of
/// another type than the audit takes (a front end or plugin passing the wrong struct).
template <typename T>
T optionsOr(const AuditRequest& request, T fallback) {
  if (!request.options.has_value()) return fallback;
  if (const T* o = std::any_cast<T>(&request.options)) return *o;
  throw InputError("audit", std::string("options of another type than the audit takes: ") + request.options.type().name());
}

/// Setting `key` of the request as an integer ≥ `minimum`; InputError naming the setting otherwise.
long integerSetting(const AuditRequest& request, const std::string& key, long minimum);

struct NamedMetric {
  std::string key;  ///< one of the audit's declared keys
  double value = 0;
};

struct AuditOutcome {
  std::string scope;                         ///< fills "{scope}" in the prefix (the attack, the WEAT test)
  std::vector<NamedMetric> metrics;          ///< recorded on the run (non-finite values are skipped)
  std::string summary;                       ///< a few human lines (CLI, GUI status bar)
  std::string json;                          ///< the CLI's --json
  std::map<std::string, std::string> files;  ///< artifacts stored beside the checkpoint: name → content
  std::map<std::string, std::string> tags;   ///< set on the run (how the audit was done)
  std::any report;                           ///< the typed report, for views that draw it
  bool cancelled = false;                    ///< request.stop was raised: nothing to record
};

struct Audit {
  AuditFamily family = AuditFamily::Privacy;
  std::string prefix;                   ///< metric keys start with it: "audit/mia_{scope}/"
  /// Every key it records (a function: an audit over a registry, like fairness, declares its entries).
  std::function<std::vector<AuditMetricKey>()> metrics;
  AuditArgument argument;
  std::vector<AuditSetting> settings;
  std::function<AuditOutcome(const AuditedRun&, const AuditRequest&)> run;
};

/// membership, canary, fairness, weat, eec and any added by plugins (`trustlab-cli audit`, the
/// run browser's Audit menu).
Registry<Audit>& auditRegistry();

/// The full key of `metric` of audit `name` in `scope`: "audit/mia_lira/auc". InputError when
/// the audit does not declare it.
std::string auditMetricKey(const std::string& name, const std::string& scope, const std::string& metric);

/// A metric a front end may plot or tabulate: its full key and label (scope filled in).
struct AuditMetricColumn {
  std::string key, label, unit;
};
/// The metrics (only the headline ones when `headlineOnly`) of every audit of `family` whose
/// scopes are known in advance (no scope, or one per choice of its argument), in registry order.
std::vector<AuditMetricColumn> auditMetricColumns(AuditFamily family, bool headlineOnly);

/// Runs audit `name` on the stored run and records its outcome (recordAudit).
AuditOutcome runAudit(RunStore& store, long long runId, const AuditedRun& run, const std::string& name,
                      const AuditRequest& request = {});
/// Records the outcome of audit `name` on the run: its metrics under the prefix, its files beside
/// the checkpoint. InputError naming the audit and key when a metric was not declared.
void recordAudit(RunStore& store, long long runId, const std::string& name, const AuditOutcome& outcome);

/// Where a run's audit artifact `file` is stored ("roc-lira.json" → …/run-7/roc-lira.json).
std::string auditArtifactPath(const std::string& storePath, long long runId, const std::string& file);

}  // namespace trustlab
