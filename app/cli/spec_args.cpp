#include "spec_args.h"

#include <algorithm>
#include <iostream>
#include <map>

#include "spec/spec_fields.h"
#include "federated/client_selection.h"
#include "util/text.h"

namespace trustlab::cli {
namespace {

/// Command-line shortcuts over spec fields that the fields' own options cannot express, with the
/// fields they set (for error messages).
const std::map<std::string, std::vector<std::string>> kSpecShortcuts = {
    {"clip", {"privacy.clip", "privacy.clipping"}},
    {"adaptive-clip", {"privacy.adaptive_clipping", "privacy.target_quantile"}},
    {"user-adaptive-clip", {"federated.user_adaptive_clip", "federated.user_target_quantile"}}};

const std::map<std::string, std::string> kSpecShortcutHelp = {
    {"clip", "per-example clip bound C, or 'auto' for automatic clipping [privacy.clip, privacy.clipping]"},
    {"adaptive-clip", "adaptive clipping to this quantile of the per-example norms [privacy.adaptive_clipping]"},
    {"user-adaptive-clip", "adaptive user-level clipping to this quantile of update norms [federated.user_adaptive_clip]"}};

/// The flag the user typed for a spec field ("--lr" for training.lr), or "".
std::string flagFor(const Args& a, const std::string& path) {
  if (const auto* f = findSpecField(path); f && !f->info.flag.empty() && a.has(f->info.flag)) return "--" + f->info.flag;
  for (const auto& [flag, fields] : kSpecShortcuts)
    if (a.has(flag) && std::find(fields.begin(), fields.end(), path) != fields.end()) return "--" + flag;
  return {};
}

}  // namespace

ExperimentSpec specFromArgs(const Args& a, bool federated) {
  ExperimentSpec s;
  if (!a.positional().empty()) s = ExperimentSpec::fromFile(a.positional().front());
  s.federated.enabled = s.federated.enabled || federated;
  if (a.positional().size() > 1) throw InputError(a.positional()[1], "unexpected argument (one spec file at most)");
  for (const auto& f : specFields()) {
    if (f.info.flag.empty() || !a.has(f.info.flag)) continue;
    const auto value = parseFieldValue(f.info, a.get(f.info.flag));
    if (!value) {
      static const std::map<FieldType, std::string> expected = {{FieldType::Boolean, "true or false"},
                                                                {FieldType::Integer, "an integer"},
                                                                {FieldType::Real, "a finite number"},
                                                                {FieldType::Text, "UTF-8 text"}};
      throw InputError("--" + f.info.flag,
                       "expected " + expected.at(f.info.type) + ", got '" + sanitizeUtf8(a.get(f.info.flag)) + "'", 0,
                       f.path());
    }
    f.set(s, *value);
  }
  auto& p = s.training.privacy;
  if (a.has("clip")) {
    if (a.get("clip") == "auto") p.clipping = "auto";
    else p.clipNorm = a.getDouble("clip", p.clipNorm);
  }
  if (a.has("adaptive-clip")) {
    p.adaptiveClipping = true;
    p.targetQuantile = a.getDouble("adaptive-clip", p.targetQuantile);
  }
  auto& f = s.federated;
  if (a.has("user-adaptive-clip")) {
    f.userAdaptiveClip = true;
    f.userTargetQuantile = a.getDouble("user-adaptive-clip", f.userTargetQuantile);
  }
  if (f.userDp && a.has("user-dp") && !a.has("aggregation"))  // user DP needs equal weights: the first such rule
    for (const auto& name : aggregationRegistry().names())
      if (aggregationRegistry().at(name).equal) {
        f.aggregation = name;
        break;
      }
  // A field given that these settings do not read (--clients with a natural partition): legal, but
  // the user expected it to do something.
  for (const auto& f : specFields())
    if (!f.info.flag.empty() && a.has(f.info.flag) && !f.appliesTo(s))
      std::cerr << "warning: --" << f.info.flag << " has no effect here (" << f.path()
                << " does not apply with these settings)\n";
  // Errors name the option the user typed rather than the spec field.
  for (const auto& issue : s.validate()) {
    const std::string flag = flagFor(a, issue.field);
    throw InputError(!flag.empty()                ? flag
                     : a.positional().empty()      ? std::string("spec")
                                                   : a.positional().front(),
                     issue.message, 0, issue.field);
  }
  return s;
}

Args specArgs(const std::vector<std::string>& argv, std::set<std::string> valued, const std::set<std::string>& flags,
              CommandHelp help, const std::vector<std::string>& sections) {
  for (const auto& [k, h] : kSpecShortcutHelp)
    if (std::find(sections.begin(), sections.end(), findSpecField(kSpecShortcuts.at(k).front())->section) !=
        sections.end()) {
      valued.insert(k);
      help.help[k] = h;
    }
  help.positional = "spec";
  help.positionalHelp = "a spec file (JSON); the options override its fields";
  return Args(argv, valued, flags, help, sections);
}

const RunCommandOptions& trainOptions() {
  static const RunCommandOptions o{{"store", "experiment", "checkpoint-every", "resume"},
                                   {"json", "quiet", "no-checkpoint"},
                                   {"", "data", "model", "training", "privacy", "audit"}};
  return o;
}

const RunCommandOptions& flOptions() {
  static const RunCommandOptions o{{"store", "experiment"},
                                   {"json", "quiet", "no-checkpoint", "worker", "preview"},
                                   {"", "data", "model", "training", "privacy", "federated"}};
  return o;
}

}  // namespace trustlab::cli
