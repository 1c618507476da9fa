#include "experiment/sweep.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include "audits/audit.h"
#include "audits/audited_run.h"
#include "audits/canary_audit.h"
#include "audits/membership_audit.h"
#include "data/loaders/json_file.h"
#include "experiment/runner.h"
#include "spec/spec_fields.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

using nlohmann::json;

constexpr char kAxisParam[] = "sweep.axis.";  // params of a point's other swept fields

bool isEpsilonField(const std::string& field) { return field == kExampleEpsilonField || field == kUserEpsilonField; }
bool isInfinite(const std::string& value) { return value == "inf" || value == "infinity"; }

/// The field a grid key stands for: a declared path, or one of the short names.
std::string canonicalField(const std::string& key, const ExperimentSpec& base) {
  if (key == "target_epsilon") return base.federated.enabled ? kUserEpsilonField : kExampleEpsilonField;
  if (key == "model") return "model.type";
  if (key == "dataset") return "data.dataset";
  return key;
}

const SpecField& requireField(const std::string& field, const std::string& where, const std::string& key) {
  const SpecField* f = findSpecField(field);
  if (f) return *f;
  std::vector<std::string> paths;
  for (const auto& s : specFields()) paths.push_back(s.path());
  const auto guess = closestMatch(field, paths);
  throw InputError(where, "no such field" + (guess.empty() ? std::string() : " (did you mean " + guess + "?)"), 0, key);
}

/// Sets `field` to `value` in `spec`. An ε field's "inf" turns that privacy off; a finite one
/// turns it on (DP-SGD, or user-level DP for a federated run).
void applySetting(ExperimentSpec& spec, const std::string& field, const std::string& value, const std::string& where) {
  const SpecField& f = requireField(field, where, "grid." + field);
  if (isEpsilonField(field) && isInfinite(value)) {
    if (field == kExampleEpsilonField) spec.training.privacy.mode = kPrivacyOff;
    else spec.federated.userDp = false;
    return;
  }
  const auto parsed = parseFieldValue(f.info, value);
  if (!parsed) throw InputError(where, "'" + value + "' is not a value of this field (" + fieldDomain(f.info) + ")", 0, "grid." + field);
  if (const auto problem = fieldProblem(f.info, *parsed); !problem.empty())
    throw InputError(where, "'" + value + "' " + problem, 0, "grid." + field);
  if (field == kExampleEpsilonField) spec.training.privacy.enable();
  if (field == kUserEpsilonField) spec.federated.userDp = true;
  f.set(spec, *parsed);
}

/// The ε a point's spec targets: user-level for a federated run with it, else example-level;
/// ∞ when not private, 0 when private with a fixed σ (no target).
double targetEpsilon(const ExperimentSpec& s) {
  if (s.federated.enabled && s.federated.userDp) return s.federated.userTargetEpsilon;
  if (s.training.privacy.enabled()) return s.training.privacy.targetEpsilon;
  return std::numeric_limits<double>::infinity();
}

std::string valueText(const json& x, const std::string& where, const std::string& key) {
  if (x.is_string()) return x.get<std::string>();
  if (x.is_boolean()) return x.get<bool>() ? "true" : "false";
  if (x.is_number_integer()) return std::to_string(x.get<long long>());
  if (x.is_number()) return formatNumber(x.get<double>(), 6);
  throw InputError(where, "expected numbers, strings or booleans", 0, key);
}

/// The value as JSON: a number when the field holds numbers, else text.
json valueJson(const std::string& field, const std::string& value) {
  const SpecField* f = findSpecField(field);
  if (f && (f->info.type == FieldType::Integer || f->info.type == FieldType::Real) && !isInfinite(value))
    if (const auto v = parseFieldValue(f->info, value))
      return std::holds_alternative<long long>(*v) ? json(std::get<long long>(*v)) : json(std::get<double>(*v));
  if (f && f->info.type == FieldType::Boolean && (value == "true" || value == "false")) return value == "true";
  return value;
}

SweepAxis& axisFor(SweepSpec& s, const std::string& field) {
  for (auto& a : s.axes)
    if (a.field == field) return a;
  s.axes.push_back({field, {}, std::nullopt, false});
  return s.axes.back();
}

/// A point from one value per axis, once per seed.
void addPoints(const SweepSpec& s, const std::vector<std::pair<std::string, std::string>>& settings,
               std::vector<SweepPoint>& points, std::set<std::string>& keys) {
  std::string prefix;
  for (const auto& [field, value] : settings) prefix += field + "=" + value + ";";
  for (auto seed : s.seeds) {
    SweepPoint p;
    p.key = prefix + "seed=" + std::to_string(seed);
    if (!keys.insert(p.key).second) continue;  // a random draw that repeats an earlier one
    p.settings = settings;
    p.seed = seed;
    p.spec = s.base;
    for (const auto& [field, value] : settings) applySetting(p.spec, field, value, "sweep " + s.name);
    p.spec.training.seed = seed;
    p.spec.name = p.key;
    p.dataset = p.spec.data.dataset;
    p.model = p.spec.model.type;
    p.epsilon = targetEpsilon(p.spec);
    points.push_back(std::move(p));
  }
}

/// One draw of an axis: a value from its list, or a number from its range.
std::string drawValue(const SweepAxis& a, std::mt19937_64& rng) {
  const double u = double(rng() >> 11) * 0x1.0p-53;  // uniform in [0, 1), the same on every platform
  if (!a.range) return a.values[std::min(a.values.size() - 1, size_t(u * double(a.values.size())))];
  const auto [lo, hi] = *a.range;
  const double x = a.logScale ? lo * std::pow(hi / lo, u) : lo + u * (hi - lo);
  const SpecField* f = findSpecField(a.field);
  if (f && f->info.type == FieldType::Integer) return std::to_string(std::llround(x));
  return formatNumber(x, 4);  // readable run names; the spec gets exactly this value
}

/// A finished run of this point, if any (newest first), with whether its audits completed.
std::optional<RunRecord> finishedRun(const RunStore& store, const std::string& experiment, const std::string& key) {
  for (const auto& r : store.listRuns(key))
    if (r.experiment == experiment && r.name == key && r.status == "finished") return store.run(r.id);
  return std::nullopt;
}

/// The audits the base's audit section asks for, then the sweep's own; false when stopped.
bool auditPoint(const SweepSpec& sweep, const SweepPoint& p, long long id, const SweepOptions& o) {
  const auto& audit = p.spec.audit;
  std::vector<std::pair<std::string, std::string>> todo;  // audit, argument
  if (audit.mia != "none") todo.emplace_back(kMembershipAudit, audit.mia);
  if (audit.canaries > 0) todo.emplace_back(kCanaryAudit, "");
  for (const auto& name : sweep.audits) todo.emplace_back(name, "");
  if (todo.empty()) return true;
  const auto run = loadRunForAudit(*o.store, id);
  for (const auto& [name, argument] : todo) {
    AuditRequest request{argument, "", {}, o.onMessage, o.stop};
    if (runAudit(*o.store, id, run, name, request).cancelled) return false;
  }
  return true;
}

}  // namespace

std::string sweepExperiment(const std::string& sweepName) { return "sweep:" + sweepName; }

SweepSpec SweepSpec::fromJson(const std::string& text, const std::string& where) {
  const json root = parseJsonText(text, where);
  if (!root.is_object()) throw InputError(where, "a sweep must be a JSON object");
  for (const auto& [k, v] : root.items())
    if (k != "name" && k != "base" && k != "grid" && k != "random" && k != "audits")
      throw InputError(where, "unknown field (name, base, grid, random, audits)", 0, k);
  SweepSpec s;
  if (root.contains("name")) {
    if (!root["name"].is_string() || root["name"].get<std::string>().empty())
      throw InputError(where, "expected a non-empty string", 0, "name");
    s.name = root["name"].get<std::string>();
  }
  if (root.contains("base")) s.base = ExperimentSpec::fromJson(root["base"].dump(), where + ": base");
  const json grid = root.value("grid", json::object());
  if (!grid.is_object()) throw InputError(where, "expected an object", 0, "grid");
  // The axes in the file's order (the first varies slowest), which a plain JSON object forgets.
  std::vector<std::string> order;
  const auto ordered = nlohmann::ordered_json::parse(text);
  if (ordered.contains("grid"))
    for (const auto& item : ordered["grid"].items()) order.push_back(item.key());
  for (const auto& key : order) {
    const json& values = grid[key];
    if (!values.is_array() || values.empty()) throw InputError(where, "expected a non-empty list", 0, "grid." + key);
    if (key == "seed") {
      s.seeds.clear();
      for (const auto& x : values) {
        if (!x.is_number_integer() || x.get<long long>() < 0)
          throw InputError(where, "each seed must be a non-negative integer", 0, "grid.seed");
        s.seeds.push_back(x.get<unsigned long long>());
      }
      continue;
    }
    const std::string field = canonicalField(key, s.base);
    if (field == "training.seed") throw InputError(where, "seeds are replicates: list them under \"seed\"", 0, "grid." + key);
    requireField(field, where, "grid." + key);
    auto& axis = axisFor(s, field);
    for (const auto& x : values) axis.values.push_back(valueText(x, where, "grid." + key));
  }
  if (root.contains("random")) {
    const json& r = root["random"];
    if (!r.is_object()) throw InputError(where, "expected an object", 0, "random");
    s.random = true;
    for (const auto& [k, v] : r.items()) {
      if (k == "samples" && v.is_number_integer() && v.get<long long>() >= 1) s.samples = v.get<int>();
      else if (k == "seed" && v.is_number_integer() && v.get<long long>() >= 0) s.searchSeed = v.get<unsigned long long>();
      else if (k == "ranges" && v.is_object()) continue;
      else throw InputError(where, "expected samples ≥ 1, seed ≥ 0 and ranges {field: {low, high, log}}", 0, "random." + k);
    }
    const json ranges = r.value("ranges", json::object());
    for (const auto& [key, range] : ranges.items()) {
      const std::string field = canonicalField(key, s.base);
      const auto& f = requireField(field, where, "random.ranges." + key);
      if (f.info.type != FieldType::Integer && f.info.type != FieldType::Real)
        throw InputError(where, "a range needs a number field", 0, "random.ranges." + key);
      if (!range.is_object() || !range.contains("low") || !range.contains("high") || !range["low"].is_number() ||
          !range["high"].is_number())
        throw InputError(where, "expected {\"low\": number, \"high\": number, \"log\": bool}", 0, "random.ranges." + key);
      auto& axis = axisFor(s, field);
      if (!axis.values.empty()) throw InputError(where, "listed under grid too: give values or a range", 0, "random.ranges." + key);
      axis.range = std::pair{range["low"].get<double>(), range["high"].get<double>()};
      axis.logScale = range.value("log", false);
    }
  }
  if (root.contains("audits")) {
    const json& a = root["audits"];
    if (!a.is_array()) throw InputError(where, "expected a list of audit names", 0, "audits");
    for (const auto& name : a) s.audits.push_back(valueText(name, where, "audits"));
  }
  s.requireValid(where);
  return s;
}

SweepSpec SweepSpec::fromFile(const std::string& path) { return fromJson(readFile(path), path); }

std::string SweepSpec::toJson(int indent) const {
  nlohmann::ordered_json grid = nlohmann::ordered_json::object();
  json ranges = json::object();
  for (const auto& a : axes) {
    if (a.range) {
      ranges[a.field] = {{"low", a.range->first}, {"high", a.range->second}, {"log", a.logScale}};
      continue;
    }
    nlohmann::ordered_json values = nlohmann::ordered_json::array();
    for (const auto& v : a.values) values.push_back(nlohmann::ordered_json::parse(valueJson(a.field, v).dump()));
    grid[a.field] = values;
  }
  grid["seed"] = seeds;
  nlohmann::ordered_json out{{"name", name}, {"base", nlohmann::ordered_json::parse(base.toJson())}, {"grid", grid}};
  if (random) out["random"] = nlohmann::ordered_json::parse(json{{"samples", samples}, {"seed", searchSeed}, {"ranges", ranges}}.dump());
  if (!audits.empty()) out["audits"] = audits;
  return out.dump(indent);
}

void SweepSpec::requireValid(const std::string& where) const {
  if (seeds.empty()) throw InputError(where, "expected a non-empty list", 0, "grid.seed");
  for (const auto& a : axes) {
    requireField(a.field, where, "grid." + a.field);
    if (a.range) {
      if (!random) throw InputError(where, "a range needs random search", 0, "random.ranges." + a.field);
      const auto [lo, hi] = *a.range;
      if (!(lo < hi) || (a.logScale && !(lo > 0)))
        throw InputError(where, "needs low < high (and low > 0 on a log scale)", 0, "random.ranges." + a.field);
    } else if (a.values.empty()) {
      throw InputError(where, "expected a non-empty list", 0, "grid." + a.field);
    }
    if (isEpsilonField(a.field))
      for (const auto& v : a.values)
        if (const auto e = parseNumber(v); !isInfinite(v) && !(e && *e > 0))
          throw InputError(where, "each ε must be a positive number or \"inf\"", 0, "grid." + a.field);
  }
  for (const auto& name : audits) auditRegistry().at(name);  // InputError naming the audit
  for (const auto& p : expandSweep(*this)) p.spec.requireValid(where + ": point " + p.key);
}

std::vector<SweepPoint> expandSweep(const SweepSpec& s) {
  std::vector<SweepPoint> points;
  std::set<std::string> keys;
  if (s.random) {
    std::mt19937_64 rng(s.searchSeed);
    for (int k = 0; k < s.samples; ++k) {
      std::vector<std::pair<std::string, std::string>> settings;
      for (const auto& a : s.axes) settings.emplace_back(a.field, drawValue(a, rng));
      addPoints(s, settings, points, keys);
    }
    return points;
  }
  // Odometer over the axes' values: the last axis turns fastest.
  std::vector<size_t> at(s.axes.size(), 0);
  while (true) {
    std::vector<std::pair<std::string, std::string>> settings;
    for (size_t i = 0; i < s.axes.size(); ++i) settings.emplace_back(s.axes[i].field, s.axes[i].values.at(at[i]));
    addPoints(s, settings, points, keys);
    size_t i = s.axes.size();
    while (i > 0 && ++at[i - 1] == s.axes[i - 1].values.size()) at[--i] = 0;
    if (i == 0) return points;
  }
}

SweepOutcome runSweep(const SweepSpec& sweep, const SweepOptions& o) {
  if (!o.store) throw std::invalid_argument("runSweep: needs a store");
  const auto t0 = std::chrono::steady_clock::now();
  if (o.shards < 1 || o.shard < 0 || o.shard >= o.shards) throw std::invalid_argument("runSweep: bad shard");
  auto points = expandSweep(sweep);
  const std::string experiment = o.experiment.empty() ? sweepExperiment(sweep.name) : o.experiment;
  SweepOutcome out;
  for (size_t i = size_t(o.shard); i < points.size(); i += size_t(o.shards)) {
    if (o.stop && o.stop->load()) {
      out.cancelled = true;
      break;
    }
    auto& p = points[i];
    if (o.threads > 0 && p.spec.training.threads == 0) p.spec.training.threads = o.threads;
    auto existing = finishedRun(*o.store, experiment, p.key);
    const bool audited = existing && existing->tags.count("sweep.audited");
    long long id = existing ? existing->id : 0;
    if (!existing) {
      if (o.onMessage) o.onMessage("sweep " + sweep.name + ": " + p.key);
      RunOptions ro;
      ro.store = o.store;
      ro.observers = o.observers;
      ro.stop = o.stop;
      ro.experiment = experiment;
      ro.qtVersion = o.qtVersion;
      const auto r = runExperiment(p.spec, ro);
      if (r.status != "finished") {
        out.cancelled = true;
        break;
      }
      id = r.runId;
      std::map<std::string, std::string> params{
          {"sweep.dataset", p.dataset}, {"sweep.model", p.model}, {"sweep.epsilon", formatNumber(p.epsilon, 6)}};
      for (const auto& [field, value] : p.settings)
        if (!isEpsilonField(field) && field != "data.dataset" && field != "model.type") params[kAxisParam + field] = value;
      o.store->logParams(id, params);
    }
    if (!audited) {
      if (!auditPoint(sweep, p, id, o)) {
        out.cancelled = true;
        break;
      }
      o.store->setTag(id, "sweep.audited", "true");
    }
    (existing ? out.reused : out.ran)++;
    if (o.onPointDone) o.onPointDone(p, int(i), int(points.size()), id, bool(existing) && audited);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::vector<SweepCell> summarizeSweep(const RunStore& store, const std::string& sweepName) {
  return summarizeExperiment(store, sweepExperiment(sweepName));
}

std::vector<SweepCell> summarizeExperiment(const RunStore& store, const std::string& experiment) {
  using Key = std::tuple<std::string, std::string, std::map<std::string, std::string>, double>;
  std::map<Key, std::map<std::string, std::vector<double>>> values;
  std::map<Key, SweepCell> cells;
  std::set<std::string> seen;  // one run per point: the newest finished one
  for (const auto& r : store.listRuns(experiment)) {
    if (r.experiment != experiment || r.status != "finished" || !seen.insert(r.name).second) continue;
    if (!r.params.count("sweep.epsilon")) continue;
    const std::string e = r.params.at("sweep.epsilon");
    const double eps = isInfinite(e) ? std::numeric_limits<double>::infinity() : std::stod(e);
    std::map<std::string, std::string> settings;
    for (const auto& [k, v] : r.params)
      if (k.rfind(kAxisParam, 0) == 0) settings[k.substr(sizeof kAxisParam - 1)] = v;
    const Key key{r.params.at("sweep.dataset"), r.params.at("sweep.model"), settings, -eps};
    auto& cell = cells[key];
    cell.dataset = std::get<0>(key);
    cell.model = std::get<1>(key);
    cell.settings = settings;
    cell.epsilon = eps;
    cell.runs++;
    if (r.params.count("dataset.train_examples")) cell.trainExamples = std::stol(r.params.at("dataset.train_examples"));
    cell.runIds.push_back(r.id);
    if (r.params.count("privacy.noise_multiplier")) cell.noiseMultiplier += std::stod(r.params.at("privacy.noise_multiplier"));
    if (r.params.count("federated.user_noise_multiplier"))
      cell.noiseMultiplier += std::stod(r.params.at("federated.user_noise_multiplier"));
    for (const auto& [k, v] : r.latestMetrics)
      for (const char* prefix : {"test/", "audit/", "privacy/", "fairness/", "fl/"})
        if (k.rfind(prefix, 0) == 0) values[key][k].push_back(v);
  }
  std::vector<SweepCell> out;
  for (auto& [key, cell] : cells) {
    cell.noiseMultiplier /= cell.runs;
    for (const auto& [k, v] : values[key]) {
      double mean = 0, var = 0;
      for (double x : v) mean += x;
      mean /= double(v.size());
      for (double x : v) var += (x - mean) * (x - mean);
      cell.metrics[k] = {mean, v.size() > 1 ? std::sqrt(var / double(v.size() - 1)) : 0.0};
    }
    out.push_back(cell);
  }
  return out;
}

}  // namespace trustlab
