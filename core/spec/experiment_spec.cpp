#include "spec/experiment_spec.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "data/loaders/json_file.h"
#include "spec/spec_fields.h"
#include "federated/client_selection.h"
#include "federated/partition.h"
#include "models/model_factory.h"
#include "privacy/accountant.h"
#include "privacy/dp_vocabulary.h"
#include "spec/prepared_data.h"
#include "training/objective.h"
#include "util/errors.h"
#include "util/sha256.h"
#include "util/text.h"

namespace trustlab {
namespace {

using nlohmann::json;

json valueToJson(const FieldValue& v) {
  return std::visit([](const auto& x) { return json(x); }, v);
}

/// The JSON value as the field's type; InputError naming the field when the JSON type is wrong.
FieldValue valueFromJson(const json& v, const SpecField& f, const std::string& where) {
  switch (f.info.type) {
    case FieldType::Boolean:
      if (v.is_boolean()) return v.get<bool>();
      break;
    case FieldType::Integer:
      if (v.is_number_integer() && !(f.info.unsignedInteger && v.get<long long>() < 0)) return v.get<long long>();
      break;
    case FieldType::Real:
      if (v.is_number()) return v.get<double>();
      break;
    case FieldType::Text:
      if (v.is_string()) return v.get<std::string>();
      break;
  }
  throw InputError(where, "wrong type: " + std::string(v.type_name()), 0, f.path());
}

/// Throws for a key of `obj` that is not in `known`, suggesting the closest one.
void rejectUnknown(const json& obj, const std::string& section, const std::vector<std::string>& known,
                   const std::string& where) {
  for (const auto& [k, v] : obj.items()) {
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    std::string message = "unknown field";
    if (const auto near = closestMatch(k, known); !near.empty()) message += " (did you mean '" + near + "'?)";
    throw InputError(where, message, 0, section.empty() ? k : section + "." + k);
  }
}

/// The keys a JSON object at `section` may hold: its fields' keys (and, at the top, the sections).
std::vector<std::string> keysOf(const std::string& section) {
  std::vector<std::string> keys;
  for (const auto& f : specFields())
    if (f.section == section) keys.push_back(f.info.key);
  if (section.empty())
    for (const auto& s : specSections())
      if (!s.empty()) keys.push_back(s);
  return keys;
}

}  // namespace

std::string ExperimentSpec::toJson(int indent) const {
  json root = json::object();
  for (const auto& f : specFields())
    (f.section.empty() ? root : root[f.section])[f.info.key] = valueToJson(f.get(*this));
  return root.dump(indent);
}

ExperimentSpec ExperimentSpec::fromJson(const std::string& text, const std::string& where) {
  const json root = parseJsonText(sanitizeUtf8(text), where);
  if (!root.is_object()) throw InputError(where, "a spec must be a JSON object");
  rejectUnknown(root, "", keysOf(""), where);
  for (const auto& section : specSections())
    if (!section.empty() && root.contains(section)) {
      if (!root[section].is_object()) throw InputError(where, "expected an object", 0, section);
      rejectUnknown(root[section], section, keysOf(section), where);
    }
  ExperimentSpec s;
  for (const auto& f : specFields()) {
    const json* obj = f.section.empty() ? &root : root.contains(f.section) ? &root[f.section] : nullptr;
    if (obj && obj->contains(f.info.key)) f.set(s, valueFromJson((*obj)[f.info.key], f, where));
  }
  return s;
}

ExperimentSpec ExperimentSpec::fromFile(const std::string& path) { return fromJson(readFile(path), path); }

std::vector<SpecIssue> ExperimentSpec::validate() const {
  std::vector<SpecIssue> issues;
  for (const auto& f : specFields())
    if (auto problem = fieldProblem(f.info, f.get(*this)); !problem.empty()) issues.push_back({f.path(), problem});
  auto check = [&](bool ok, const char* field, const std::string& message) {
    if (!ok) issues.push_back({field, message});
  };
  // What no single field's declaration can say.
  check(!data.dataset.empty(), "data.dataset", "choose a dataset name or path");
  if (const auto* m = modelRegistry().find(model.type); m && m->check)
    for (auto& issue : m->check(model)) issues.push_back(std::move(issue));
  if (const auto* o = objectiveRegistry().find(training.objective); o && o->check)
    for (auto& issue : o->check(model)) issues.push_back(std::move(issue));
  check(training.device == "cpu" || training.device.rfind("cuda", 0) == 0, "training.device", "must be cpu or cuda[:N]");
  check(!data.cda || !training.privacy.enabled(), "data.cda",
        "counterfactual copies would be separate examples to the DP accountant (a silent ε understatement): "
        "use CDA without DP");
  const auto& f = federated;
  // The centralised trainer's early stopping, checkpoints and audits are a classifier's.
  check(training.objective == "classify" || f.enabled, "training.objective",
        "'" + training.objective + "' trains federated only; train centrally on the same data as one client "
        "holding everything (federated.partition iid, clients 1, clients_per_round 1)");
  check(f.periods <= f.rounds, "federated.periods", "must be in 1..rounds");
  const auto* partitioner = partitionerRegistry().find(f.partition);
  const bool clientsGiven = partitioner && std::count(partitioner->fields.begin(), partitioner->fields.end(), "clients");
  check(!f.enabled || !clientsGiven || f.clientsPerRound <= f.clients, "federated.clients_per_round",
        "is " + std::to_string(f.clientsPerRound) + " but there are only " + std::to_string(f.clients) +
            " clients (federated.clients): a round cannot invite more clients than there are");
  check(!f.userAdaptiveClip || f.userDp, "federated.user_adaptive_clip", "needs user_dp");
  const auto* aggregation = aggregationRegistry().find(f.aggregation);
  check(!f.userDp || !aggregation || aggregation->equal, "federated.user_dp",
        "user-level DP needs equal aggregation weights (the clip bounds each client's share)");
  check(f.processes == 1 || !f.secureAggregation, "federated.processes",
        "secure aggregation is simulated in one process only: set processes to 1");
  check(!f.enabled || !training.privacy.enabled() || training.privacy.targetEpsilon <= 0, "privacy.target_epsilon",
        "federated clients take privacy.noise_multiplier (each client's ε depends on its size and participation "
        "and is reported); set target_epsilon to 0");
  const auto& p = training.privacy;
  if (p.enabled() && p.vocabularyNoise > 0) {
    check(tokenizerFor(*this).pretrained.empty(), "privacy.vocabulary_noise",
          "the vocabulary is the pretrained tokenizer's (public): there is nothing to make private; set it to 0");
    check(!f.enabled, "privacy.vocabulary_noise",
          "federated runs do not yet compose the vocabulary's ε with their clients' ledgers: set it to 0 or use a "
          "pretrained tokenizer (data.tokenizer.pretrained)");
    try {
      const auto release = vocabularyRelease(p);
      // Caught here rather than when training starts: no run is recorded for a budget it cannot meet.
      if (release && p.targetEpsilon > 0 && accountantRegistry().find(p.accountant)) {
        const double spent = computeEpsilon(p.accountant, {release->phase}, accountantDelta(p)).epsilon;
        check(spent < p.targetEpsilon, "privacy.vocabulary_noise",
              "the DP vocabulary alone would spend ε = " + formatNumber(spent) + " of the target " +
                  formatNumber(p.targetEpsilon) + ": raise it (more noise) or the target");
      }
    } catch (const InputError& e) {
      issues.push_back({"privacy.vocabulary_threshold", e.message()});
    }
  }
  return issues;
}

void ExperimentSpec::requireValid(const std::string& where) const {
  const auto issues = validate();
  if (!issues.empty()) throw InputError(where, issues.front().message, 0, issues.front().field);
}

std::string ExperimentSpec::sha256() const { return sha256Hex(toJson(-1)); }

}  // namespace trustlab
