#include "experiment/sweep.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <tuple>

#include "audits/canary_audit.h"
#include "audits/membership_audit.h"
#include "data/loaders/json_file.h"
#include "experiment/runner.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

using nlohmann::json;

std::string formatEpsilon(double e) {
  if (std::isinf(e)) return "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", e);
  return buf;
}

template <typename T>
std::vector<T> readList(const json& grid, const char* key, const std::string& where,
                        const std::function<T(const json&)>& convert) {
  std::vector<T> out;
  if (!grid.contains(key)) return out;
  const auto& v = grid[key];
  if (!v.is_array() || v.empty()) throw InputError(where, "expected a non-empty list", 0, std::string("grid.") + key);
  for (const auto& x : v) out.push_back(convert(x));
  return out;
}

/// A finished run of this point, if any (newest first), with whether its audits completed.
std::optional<RunRecord> finishedRun(const RunStore& store, const std::string& experiment, const std::string& key) {
  for (const auto& r : store.listRuns(key))
    if (r.experiment == experiment && r.name == key && r.status == "finished") return store.run(r.id);
  return std::nullopt;
}

}  // namespace

std::string sweepExperiment(const std::string& sweepName) { return "sweep:" + sweepName; }

SweepSpec SweepSpec::fromJson(const std::string& text, const std::string& where) {
  const json root = parseJsonText(text, where);
  if (!root.is_object()) throw InputError(where, "a sweep must be a JSON object");
  for (const auto& [k, v] : root.items())
    if (k != "name" && k != "base" && k != "grid") throw InputError(where, "unknown field", 0, k);
  SweepSpec s;
  if (root.contains("name")) {
    if (!root["name"].is_string() || root["name"].get<std::string>().empty())
      throw InputError(where, "expected a non-empty string", 0, "name");
    s.name = root["name"].get<std::string>();
  }
  if (root.contains("base")) s.base = ExperimentSpec::fromJson(root["base"].dump(), where + ": base");
  const json grid = root.value("grid", json::object());
  if (!grid.is_object()) throw InputError(where, "expected an object", 0, "grid");
  for (const auto& [k, v] : grid.items())
    if (k != "target_epsilon" && k != "seed" && k != "model" && k != "dataset")
      throw InputError(where, "unknown grid axis (target_epsilon, seed, model, dataset)", 0, "grid." + k);
  auto eps = readList<double>(grid, "target_epsilon", where, [&](const json& x) {
    if (x.is_string() && (x == "inf" || x == "infinity")) return std::numeric_limits<double>::infinity();
    if (!x.is_number() || x.get<double>() <= 0)
      throw InputError(where, "each ε must be a positive number or \"inf\"", 0, "grid.target_epsilon");
    return x.get<double>();
  });
  if (!eps.empty()) s.epsilons = eps;
  auto seeds = readList<unsigned long long>(grid, "seed", where, [&](const json& x) {
    if (!x.is_number_integer() || x.get<long long>() < 0)
      throw InputError(where, "each seed must be a non-negative integer", 0, "grid.seed");
    return x.get<unsigned long long>();
  });
  if (!seeds.empty()) s.seeds = seeds;
  auto text_ = [&](const char* axis) {
    return [&, axis](const json& x) {
      if (!x.is_string()) throw InputError(where, "expected strings", 0, std::string("grid.") + axis);
      return x.get<std::string>();
    };
  };
  s.models = readList<std::string>(grid, "model", where, text_("model"));
  s.datasets = readList<std::string>(grid, "dataset", where, text_("dataset"));
  for (const auto& p : expandSweep(s)) p.spec.requireValid(where + ": point " + p.key);
  return s;
}

SweepSpec SweepSpec::fromFile(const std::string& path) { return fromJson(readFile(path), path); }

std::string SweepSpec::toJson(int indent) const {
  json eps = json::array();
  for (double e : epsilons) eps.push_back(std::isinf(e) ? json("inf") : json(e));
  json grid = {{"target_epsilon", eps}, {"seed", seeds}};
  if (!models.empty()) grid["model"] = models;
  if (!datasets.empty()) grid["dataset"] = datasets;
  return json{{"name", name}, {"base", json::parse(base.toJson())}, {"grid", grid}}.dump(indent);
}

std::vector<SweepPoint> expandSweep(const SweepSpec& s) {
  const auto datasets = s.datasets.empty() ? std::vector<std::string>{s.base.data.dataset} : s.datasets;
  const auto models = s.models.empty() ? std::vector<std::string>{s.base.model.type} : s.models;
  std::vector<SweepPoint> points;
  for (const auto& d : datasets)
    for (const auto& m : models)
      for (double e : s.epsilons)
        for (auto seed : s.seeds) {
          SweepPoint p{"dataset=" + d + ";model=" + m + ";epsilon=" + formatEpsilon(e) + ";seed=" + std::to_string(seed),
                       d, m, e, seed, s.base};
          p.spec.name = p.key;
          p.spec.data.dataset = d;
          p.spec.model.type = m;
          p.spec.training.seed = seed;
          auto& pr = p.spec.training.privacy;
          if (std::isinf(e)) {
            pr.mode = kPrivacyOff;
          } else {
            pr.enable();
            pr.targetEpsilon = e;
          }
          points.push_back(std::move(p));
        }
  return points;
}

SweepOutcome runSweep(const SweepSpec& sweep, const SweepOptions& o) {
  if (!o.store) throw std::invalid_argument("runSweep: needs a store");
  const auto t0 = std::chrono::steady_clock::now();
  const auto points = expandSweep(sweep);
  const std::string experiment = sweepExperiment(sweep.name);
  SweepOutcome out;
  for (size_t i = 0; i < points.size(); ++i) {
    if (o.stop && o.stop->load()) {
      out.cancelled = true;
      break;
    }
    const auto& p = points[i];
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
      o.store->logParams(id, {{"sweep.dataset", p.dataset}, {"sweep.model", p.model},
                              {"sweep.epsilon", formatEpsilon(p.epsilon)}});
    }
    if (!audited) {
      const auto& audit = p.spec.audit;
      if (audit.mia != "none" || audit.canaries > 0) {
        const auto run = loadRunForAudit(*o.store, id);
        if (audit.mia != "none") {
          AuditRequest request{audit.mia, "", {}, o.onMessage, o.stop};
          if (runAudit(*o.store, id, run, kMembershipAudit, request).cancelled) {
            out.cancelled = true;
            break;
          }
        }
        if (audit.canaries > 0) runAudit(*o.store, id, run, kCanaryAudit);
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
  const std::string experiment = sweepExperiment(sweepName);
  std::map<std::tuple<std::string, std::string, double>, std::map<std::string, std::vector<double>>> values;
  std::map<std::tuple<std::string, std::string, double>, SweepCell> cells;
  std::set<std::string> seen;  // one run per point: the newest finished one
  for (const auto& listed : store.listRuns(experiment)) {
    if (listed.experiment != experiment || listed.status != "finished" || !seen.insert(listed.name).second) continue;
    const auto r = store.run(listed.id);
    if (!r || !r->params.count("sweep.epsilon")) continue;
    const std::string e = r->params.at("sweep.epsilon");
    const double eps = e == "inf" ? std::numeric_limits<double>::infinity() : std::stod(e);
    const auto key = std::make_tuple(r->params.at("sweep.dataset"), r->params.at("sweep.model"), -eps);
    auto& cell = cells[key];
    cell.dataset = std::get<0>(key);
    cell.model = std::get<1>(key);
    cell.epsilon = eps;
    cell.runs++;
    if (r->params.count("dataset.train_examples")) cell.trainExamples = std::stol(r->params.at("dataset.train_examples"));
    cell.runIds.push_back(r->id);
    if (r->params.count("privacy.noise_multiplier")) cell.noiseMultiplier += std::stod(r->params.at("privacy.noise_multiplier"));
    for (const auto& [k, v] : r->latestMetrics)
      if (k.rfind("test/", 0) == 0 || k.rfind("audit/", 0) == 0 || k == "privacy/epsilon") values[key][k].push_back(v);
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
