#include "cli_commands.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "args.h"
#include "spec_args.h"
#include "data/dataset_registry.h"
#include "store/privacy_ledger.h"
#include "experiment/partition_preview.h"
#include "interop/mlflow_export.h"
#include "interop/run_report.h"
#include "interop/tensorboard_export.h"
#include "store/run_filter.h"
#include "store/run_groups.h"
#include "store/run_store.h"
#include "store/run_tags.h"
#include "experiment/runner.h"
#include "privacy/dp_vocabulary.h"
#include "util/runtime.h"
#include "spec/privacy_caveats.h"
#include "spec/spec_fields.h"
#include "federated/client_selection.h"
#include "federated/local_ranks.h"
#include "terminal_progress.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab::cli {

std::string storePath(const Args& a) { return a.get("store", defaultStorePath()); }

namespace {

using nlohmann::json;

std::string formatTime(double t) {
  if (t <= 0) return "-";
  const std::time_t tt = std::time_t(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&tt));
  return buf;
}

json metricValue(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json runJson(const RunRecord& r, bool full) {
  json j = {{"run_id", r.id}, {"uuid", r.uuid}, {"experiment", r.experiment}, {"name", r.name},
            {"status", r.status}, {"start_time", r.startTime}, {"end_time", r.endTime},
            {"spec_sha256", r.specSha256}, {"seed", r.seed}};
  json metrics = json::object();
  for (const auto& [k, v] : r.latestMetrics) metrics[k] = metricValue(v);
  j["latest_metrics"] = metrics;
  if (full) {
    j["spec"] = json::parse(r.specJson, nullptr, false);
    j["error"] = r.error;
    j["reproducibility"] = {{"git_commit", r.repro.gitCommit}, {"trustlab_version", r.repro.trustlabVersion},
                            {"libtorch_version", r.repro.libtorchVersion}, {"qt_version", r.repro.qtVersion},
                            {"host", r.repro.host}, {"device", r.repro.device}, {"threads", r.repro.threads},
                            {"pid", r.pid}};
    j["params"] = r.params;
    j["tags"] = r.tags;
  }
  return j;
}

long long parseRunId(const std::string& v) {
  char* end = nullptr;
  const long long id = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end) throw InputError("run id", "expected an integer, got '" + v + "'");
  return id;
}

long long runIdArg(const Args& a, const char* sub) {
  if (a.positional().size() != 1) throw InputError(std::string("runs ") + sub, "expects one run id");
  return parseRunId(a.positional().front());
}

RunRecord requireRun(const RunStore& store, long long id) {
  auto r = store.run(id);
  if (!r) throw InputError(store.path(), "no run with id " + std::to_string(id), 0, "run id");
  return *r;
}

std::string metricOr(const RunRecord& r, const std::string& key) {
  const auto it = r.latestMetrics.find(key);
  if (it == r.latestMetrics.end() || !std::isfinite(it->second)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", it->second);
  return buf;
}

}  // namespace

const std::map<std::string, std::string> kRunOptionHelp = {
    {"store", "the run store (default: $TRUSTLAB_STORE or ~/.local/share/trustlab/runs.sqlite)"},
    {"experiment", "the experiment the run is filed under"},
    {"json", "print one JSON object"},
    {"quiet", "no progress bar"},
    {"no-checkpoint", "do not save the model (nor the states it could resume from)"}};

/// Runs `spec` into the store with terminal progress (train and fl share this). With `resume`,
/// continues that run instead of starting `spec`.
RunOutcome runWithProgress(const Args& a, const ExperimentSpec& spec, RunStore& store, const char* experiment,
                           const std::optional<Rendezvous>& rendezvous = {}, long long resume = 0) {
  TerminalProgress progress(a.has("quiet") || a.has("json"));
  RunOptions options;
  options.rendezvous = rendezvous;
  options.store = &store;
  options.observers = {&progress};
  options.experiment = a.get("experiment", experiment);
  options.saveCheckpoint = !a.has("no-checkpoint");
  options.checkpointEvery = a.getLong("checkpoint-every", options.checkpointEvery);
  if (options.checkpointEvery < 0) throw InputError("--checkpoint-every", "must be ≥ 0");
  const RunOutcome out = resume ? resumeExperiment(resume, options) : runExperiment(spec, options);
  progress.finish();
  return out;
}

/// `train --resume ID`: the run's own spec is used, so nothing may set one.
long long resumeArg(const Args& a) {
  if (!a.has("resume")) return 0;
  const std::set<std::string> allowed = {"resume", "store", "json", "quiet", "checkpoint-every"};
  for (const auto& key : a.given())
    if (!allowed.count(key))
      throw InputError("--" + key, "cannot be combined with --resume: a resumed run keeps its own spec");
  if (!a.positional().empty()) throw InputError(a.positional().front(), "a resumed run keeps its own spec");
  return parseRunId(a.get("resume"));
}

/// σ and the last ledger ε of a private run.
/// A private run's σ, ε, δ and the caveats its ε does not say (spec/privacy_caveats.h).
json privacyJson(const RunStore& store, const RunOutcome& out, const ExperimentSpec& spec) {
  const auto ledger = store.ledger(out.runId);
  json caveats = json::array();
  for (const auto& c : privacyCaveats(spec)) caveats.push_back(c.key);
  return {{"noise_multiplier", out.training.noiseMultiplier},
          {"epsilon", ledger.empty() ? 0.0 : ledger.back().epsilon},
          {"delta", spec.training.privacy.delta},
          {"caveats", caveats}};
}

int trainCommand(const std::vector<std::string>& argv) {
  auto help = kRunOptionHelp;
  help["checkpoint-every"] = "steps between the states a stopped or killed run resumes from (default 1000; 0: only when stopped)";
  help["resume"] = "continue stopped or killed run ID from its last saved state (same run, same results)";
  const auto& options = trainOptions();
  const Args a = specArgs(argv, options.valued, options.flags,
                          {"trustlab-cli train", "Trains a model centrally (optionally with eDP-SGD) and stores the run. "
                                                 "Usage: trustlab-cli train [SPEC.json] [options]; options override the file. "
                                                 "trustlab-cli train --resume ID continues a stopped or killed run.",
                           help},
                          options.sections);
  const long long resume = resumeArg(a);
  RunStore store(storePath(a));
  const ExperimentSpec spec =
      resume ? ExperimentSpec::fromJson(requireRun(store, resume).specJson, "run " + std::to_string(resume)) : specFromArgs(a);
  const RunOutcome out = runWithProgress(a, spec, store, "default", {}, resume);
  if (a.has("json")) {
    const json extra = spec.training.privacy.enabled() ? privacyJson(store, out, spec) : json::object();
    std::cout << json{{"run_id", out.runId},
                      {"privacy", extra},
                      {"test_accuracy", out.test.accuracy},
                      {"test_macro_f1", out.test.macroF1},
                      {"valid_accuracy", out.valid.accuracy},
                      {"seconds", out.training.seconds},
                      {"steps", out.training.steps},
                      {"status", out.status},
                      {"store", store.path()},
                      {"checkpoint", out.checkpointDir}}
                     .dump()
              << std::endl;
  } else {
    std::printf("run %lld %s: test accuracy %.4f, macro-F1 %.4f, valid accuracy %.4f (%ld steps, %.1f s)\n",
                out.runId, out.status.c_str(), out.test.accuracy, out.test.macroF1, out.valid.accuracy,
                out.training.steps, out.training.seconds);
    std::printf("store: %s\n", store.path().c_str());
    if (!out.checkpointDir.empty()) std::printf("checkpoint: %s\n", out.checkpointDir.c_str());
  }
  return 0;
}

/// `fl --nproc N`: this process is rank 0 of N on this machine (MASTER_ADDR and MASTER_PORT from
/// the environment when set, else loopback and a free port).
Rendezvous localMaster(int processes) {
  auto r = Rendezvous::fromEnvironment();
  r.rank = 0;
  r.worldSize = processes;
  if (const char* port = std::getenv("MASTER_PORT"); !port || !*port) r.port = LocalRanks::freePort();
  return r;
}

/// `fl --preview`: the partition the run would train on, without training.
int previewCommand(const ExperimentSpec& spec, bool asJson) {
  const auto p = previewPartition(spec);
  auto sorted = p.sizes;
  std::sort(sorted.begin(), sorted.end());
  double labels = 0;
  for (long c : p.labelCount) labels += double(c);
  labels /= double(std::max<size_t>(1, p.labelCount.size()));
  if (asJson) {
    std::cout << json{{"partition", spec.federated.partition}, {"clients", p.sizes.size()}, {"examples", p.total},
                      {"size_gini", p.giniOfSizes}, {"mean_label_entropy_bits", p.meanEntropy},
                      {"mean_labels_per_client", labels}, {"sizes", p.sizes}, {"labels_per_client", p.labelCount},
                      {"label_entropy_bits", p.labelEntropy}}
                     .dump()
              << std::endl;
    return 0;
  }
  std::printf("%s: %zu clients, %ld examples; size min %ld / median %ld / max %ld, Gini %.3f; "
              "%.1f labels per client, label entropy %.2f bits on average\n",
              spec.federated.partition.c_str(), p.sizes.size(), p.total, sorted.front(), sorted[sorted.size() / 2],
              sorted.back(), p.giniOfSizes, labels, p.meanEntropy);
  return 0;
}

int flCommand(const std::vector<std::string>& argv) {
  auto help = kRunOptionHelp;
  help["preview"] = "show the partition (client sizes, labels per client) without training";
  help["worker"] = "a rank > 0 started by fl --nproc or the GUI (trains its share, records nothing)";
  const auto& options = flOptions();
  const Args a = specArgs(argv, options.valued, options.flags,
                          {"trustlab-cli fl", "Runs a federated simulation and stores the run. "
                                              "Usage: trustlab-cli fl [SPEC.json] [options]; options override the file.",
                           help},
                          options.sections);
  ExperimentSpec spec = specFromArgs(a, /*federated=*/true);
  if (a.has("preview")) return previewCommand(spec, a.has("json"));
  if (a.has("worker")) {  // a rank > 0 started by `fl --nproc` or the GUI: trains its share, records nothing
    RunOptions options;
    options.saveCheckpoint = false;
    return runExperiment(spec, options).status == "failed" ? 1 : 0;  // stopped together with rank 0 is fine
  }
  const long nproc = spec.federated.processes;
  std::optional<Rendezvous> master;
  std::unique_ptr<LocalRanks> ranks;
  if (nproc > 1) {
    master = localMaster(int(nproc));
    auto args = argv;
    args.insert(args.begin(), "fl");
    args.push_back("--worker");
    if (spec.training.threads == 0) {  // the processes share the cores rather than each taking all
      spec.training.threads = threadsPerProcess(int(nproc));
      args.insert(args.end(), {"--threads", std::to_string(spec.training.threads)});
    }
    ranks = std::make_unique<LocalRanks>(std::filesystem::read_symlink("/proc/self/exe").string(), args, *master);
  }
  RunStore store(storePath(a));
  const RunOutcome out = runWithProgress(a, spec, store, "federated", master);
  if (ranks) ranks->wait();
  if (a.has("json")) {
    json privacy = json::object();
    if (spec.federated.userDp) {
      privacy = privacyJson(store, out, spec);
      privacy["level"] = "user";
    }
    if (spec.training.privacy.enabled()) {  // eDP-SGD on the clients: the worst client's ε
      double worst = 0;
      if (const auto run = store.run(out.runId); run && run->latestMetrics.count("privacy/example_epsilon_max"))
        worst = run->latestMetrics.at("privacy/example_epsilon_max");
      privacy["example_level"] = {{"noise_multiplier", spec.training.privacy.noiseMultiplier},
                                  {"delta", spec.training.privacy.delta}, {"worst_client_epsilon", worst}};
    }
    json test = json::object();
    for (const auto& [key, value] : out.testMetrics) test[key] = value;
    json result{{"run_id", out.runId},         {"final_accuracy", out.test.accuracy}, {"privacy", privacy},
                {"objective", spec.training.objective}, {"test", test},
                {"final_macro_f1", out.test.macroF1}, {"valid_accuracy", out.valid.accuracy},
                {"rounds", out.training.steps}, {"simulated_seconds", out.simulatedSeconds},
                {"seconds", out.training.seconds}, {"status", out.status},
                {"processes", nproc}, {"store", store.path()}, {"checkpoint", out.checkpointDir}};
    if (!test.contains("macro_f1")) result.erase("final_macro_f1");  // an objective without classes (next_word)
    std::cout << result.dump() << std::endl;
  } else {
    std::string test;
    for (const auto& [key, value] : out.testMetrics) {
      char number[32];
      std::snprintf(number, sizeof number, "%.4f", value);
      test += (test.empty() ? "test " : ", ") + key + " " + number;
    }
    std::printf("run %lld %s: %ld rounds, %s (%.1f s; simulated %.0f s)\nstore: %s\n", out.runId, out.status.c_str(),
                out.training.steps, test.empty() ? "stopped before the test" : test.c_str(), out.training.seconds,
                out.simulatedSeconds, store.path().c_str());
  }
  return out.status == "finished" ? 0 : 1;
}

/// `runs tag ID KEY[=VALUE]…` (a bare key is a label: its value is empty), `runs untag ID KEY…`,
/// `runs note ID TEXT…` and `runs rename ID NAME…`.
int annotateRun(RunStore& store, const Args& a, const std::string& sub) {
  const auto& words = a.positional();  // the id, then the tags, keys, or the note's or name's words
  if (words.size() < 2)
    throw InputError("runs " + sub, sub == "tag"     ? "expects ID KEY[=VALUE] [KEY[=VALUE]…]"
                                    : sub == "untag" ? "expects ID KEY [KEY…]"
                                                     : "expects ID TEXT");
  const long long id = parseRunId(words[0]);
  requireRun(store, id);
  const std::vector<std::string> rest(words.begin() + 1, words.end());
  if (sub == "note" || sub == "rename") {
    std::string text;
    for (const auto& w : rest) text += (text.empty() ? "" : " ") + w;
    if (sub == "note") store.setTag(id, kNoteTag, text);
    else store.renameRun(id, text);
    std::printf("run %lld: %s set\n", id, sub == "note" ? "note" : "name");
    return 0;
  }
  if (sub == "untag") {
    for (const auto& key : rest) requireUserTagKey(key);  // records stay: they say how the run was made
    for (const auto& key : rest) store.removeTag(id, key);
    std::printf("run %lld: %zu tag(s) removed\n", id, rest.size());
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> tags;
  for (size_t i = 1; i < words.size(); ++i) {  // all checked before any is written
    const auto eq = words[i].find('=');
    tags.emplace_back(words[i].substr(0, eq), eq == std::string::npos ? "" : words[i].substr(eq + 1));
    requireUserTagKey(tags.back().first);
  }
  for (const auto& [key, value] : tags) store.setTag(id, key, value);
  std::printf("run %lld: %zu tag(s) set\n", id, tags.size());
  return 0;
}

/// The runs named as arguments (all when none), narrowed by --where EXPR; empty means all.
std::vector<long long> chosenRuns(const RunStore& store, const Args& a) {
  std::vector<long long> ids;
  for (const auto& word : a.positional()) ids.push_back(parseRunId(word));
  if (!a.has("where")) return ids;
  const RunFilter where = RunFilter::parse(a.get("where"));
  std::vector<long long> chosen;
  for (const auto& r : store.listRuns())
    if (where.matches(r) && (ids.empty() || std::count(ids.begin(), ids.end(), r.id))) chosen.push_back(r.id);
  if (chosen.empty()) throw InputError("--where", "no run matches '" + a.get("where") + "'");
  return chosen;
}

/// `runs export [ID…] [--where EXPR] --mlflow DIR | --tensorboard DIR`: the runs (all by default)
/// in the other tools' formats.
int exportRuns(const RunStore& store, const Args& a) {
  const auto ids = chosenRuns(store, a);
  json report = json::object();
  for (const char* format : {"mlflow", "tensorboard"}) {
    if (!a.has(format)) continue;
    const auto written = std::string(format) == "mlflow" ? exportToMlflow(store, ids, a.get(format))
                                                         : exportToTensorBoard(store, ids, a.get(format));
    report[format] = {{"dir", a.get(format)}, {"runs", written.runs.size()}, {"metric_points", written.metricPoints}};
    if (!a.has("json"))
      std::printf("%s: %zu run(s), %ld metric points under %s\n", format, written.runs.size(), written.metricPoints,
                  a.get(format).c_str());
  }
  if (a.has("json")) std::cout << report.dump() << std::endl;
  return 0;
}

/// `runs list --group-by G`: one line per group (its label, its runs, headline metrics as mean +- sd);
/// with --json every metric of the group's runs.
int listGroups(const RunStore& store, const std::vector<RunRecord>& runs, const Args& a) {
  const auto groups = groupRuns(runs, a.get("group-by"));
  const auto spread = [&](const RunGroup& g, const std::string& key) {
    const auto v = groupValue(runs, g, key);
    char buf[64] = "-";
    if (v.mean && v.count > 1) std::snprintf(buf, sizeof buf, "%.4f+-%.4f", *v.mean, v.std);  // ASCII: columns align
    else if (v.mean) std::snprintf(buf, sizeof buf, "%.4f", *v.mean);
    return std::string(buf);
  };
  if (a.has("json")) {
    json out = json::array();
    for (const auto& g : groups) {
      std::set<std::string> keys;
      json ids = json::array(), metrics = json::object();
      for (size_t i : g.members) {
        ids.push_back(runs[i].id);
        for (const auto& [k, v] : runs[i].latestMetrics) keys.insert(k);
      }
      for (const auto& k : keys)
        if (const auto v = groupValue(runs, g, k); v.mean) metrics[k] = {{"mean", *v.mean}, {"std", v.std}, {"count", v.count}};
      out.push_back({{"group", g.label}, {"runs", ids}, {"metrics", metrics}});
    }
    std::cout << json{{"store", store.path()}, {"group_by", a.get("group-by")}, {"groups", out}}.dump() << std::endl;
    return 0;
  }
  std::printf("%-5s %-22s %-22s %-18s %s\n", "runs", "valid_acc", "test_acc", "epsilon", "group");
  for (const auto& g : groups)
    std::printf("%-5zu %-22s %-22s %-18s %s\n", g.members.size(), spread(g, "valid/accuracy").c_str(),
                spread(g, "test/accuracy").c_str(), spread(g, "privacy/epsilon").c_str(), g.label.c_str());
  return 0;
}

/// runs check: SQLite's integrity check and the runs by status; exit 1 when the store is damaged.
int checkStore(const RunStore& store, const Args& a) {
  const auto problems = store.integrityCheck();
  const bool ok = problems == std::vector<std::string>{"ok"};
  std::map<std::string, long> byStatus;
  for (const auto& r : store.listRuns()) ++byStatus[r.status];
  if (a.has("json")) {
    std::cout << json{{"store", store.path()}, {"ok", ok}, {"integrity", problems}, {"runs", byStatus}}.dump() << std::endl;
  } else {
    std::printf("%s: %s\n", store.path().c_str(), ok ? "integrity ok" : "DAMAGED");
    if (!ok)
      for (const auto& p : problems) std::printf("  %s\n", p.c_str());
    for (const auto& [status, count] : byStatus) std::printf("  %ld %s\n", count, status.c_str());
  }
  return ok ? 0 : 1;
}

int runsCommand(const std::vector<std::string>& argv) {
  if (argv.empty())
    throw InputError("runs", "expects a subcommand: list, show, export, ledger, tag, untag, note, rename, check, delete");
  const std::string sub = argv[0];
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  const Args a(rest, {"store", "filter", "where", "output", "accountant", "mlflow", "tensorboard", "group-by"}, {"json", "csv"});
  RunStore store(storePath(a));
  if (sub == "list") {
    auto runs = store.listRuns(a.get("filter"));
    const RunFilter where = RunFilter::parse(a.get("where"));
    runs.erase(std::remove_if(runs.begin(), runs.end(), [&](const RunRecord& r) { return !where.matches(r); }), runs.end());
    if (a.has("group-by")) return listGroups(store, runs, a);
    if (a.has("json")) {
      json arr = json::array();
      for (const auto& r : runs) arr.push_back(runJson(r, false));
      std::cout << json{{"store", store.path()}, {"runs", arr}}.dump() << std::endl;
      return 0;
    }
    std::printf("%-6s %-9s %-12s %-20s %-10s %-10s %s\n", "id", "status", "experiment", "name", "valid_acc",
                "test_acc", "started");
    for (const auto& r : runs)
      std::printf("%-6lld %-9s %-12s %-20s %-10s %-10s %s\n", r.id, r.status.c_str(), r.experiment.c_str(),
                  r.name.c_str(), metricOr(r, "valid/accuracy").c_str(), metricOr(r, "test/accuracy").c_str(),
                  formatTime(r.startTime).c_str());
    return 0;
  }
  if (sub == "show") {
    const auto r = requireRun(store, runIdArg(a, "show"));
    if (a.has("json")) {
      std::cout << runJson(r, true).dump() << std::endl;
      return 0;
    }
    std::printf("run %lld (%s) %s\n  experiment %s, name %s\n  started %s, ended %s\n", r.id, r.uuid.c_str(),
                r.status.c_str(), r.experiment.c_str(), r.name.c_str(), formatTime(r.startTime).c_str(),
                formatTime(r.endTime).c_str());
    if (!r.error.empty()) std::printf("  error: %s\n", r.error.c_str());
    std::printf("  spec sha256 %s, seed %llu\n  TrustLab %s, LibTorch %s%s%s, git %s\n  host %s, device %s, %d threads\n",
                r.specSha256.c_str(), r.seed, r.repro.trustlabVersion.c_str(), r.repro.libtorchVersion.c_str(),
                r.repro.qtVersion.empty() ? "" : ", Qt ", r.repro.qtVersion.c_str(),
                r.repro.gitCommit.empty() ? "unknown" : r.repro.gitCommit.c_str(), r.repro.host.c_str(),
                r.repro.device.c_str(), r.repro.threads);
    std::printf("metrics (latest):\n");
    for (const auto& [k, v] : r.latestMetrics) std::printf("  %-18s %.6g\n", k.c_str(), v);
    std::printf("params:\n");
    for (const auto& [k, v] : r.params) std::printf("  %-22s %s\n", k.c_str(), v.c_str());
    for (const auto& [k, v] : r.tags) std::printf("tag %s = %s\n", k.c_str(), v.c_str());
    std::printf("spec:\n%s\n", r.specJson.c_str());
    return 0;
  }
  if (sub == "export" && (a.has("mlflow") || a.has("tensorboard"))) return exportRuns(store, a);
  if (sub == "export") {
    const long long id = runIdArg(a, "export");
    requireRun(store, id);
    if (!a.has("csv")) throw InputError("runs export", "choose a format: --csv, --mlflow DIR or --tensorboard DIR");
    std::ofstream file;
    if (a.has("output")) {
      file.open(a.get("output"));
      if (!file) throw InputError(a.get("output"), "cannot write file");
    }
    std::ostream& out = a.has("output") ? file : std::cout;
    out << "run_id,key,step,value,timestamp\n";
    out.precision(10);
    for (const auto& key : store.metricKeys(id))
      for (const auto& p : store.metricHistory(id, key))
        out << id << ',' << key << ',' << p.step << ',' << p.value << ',' << std::fixed << p.time
            << std::defaultfloat << '\n';
    return 0;
  }
  if (sub == "ledger") {
    const long long id = runIdArg(a, "ledger");
    const auto spec = ExperimentSpec::fromJson(requireRun(store, id).specJson, "run " + std::to_string(id));
    const auto entries = store.ledger(id);
    const std::string accountant = a.get("accountant", kRdpAccountant);
    const auto r = recomputeLedger(entries, accountant, spec.training.privacy);
    const auto vocabulary = entries.empty() ? std::nullopt : vocabularyRelease(spec.training.privacy);
    if (a.has("json")) {
      json rows = json::array();
      for (const auto& e : entries)
        rows.push_back({{"step", e.step}, {"noise_multiplier", e.noiseMultiplier}, {"sample_rate", e.sampleRate},
                        {"accountant", e.accountant}, {"epsilon", e.epsilon}, {"delta", e.delta}});
      json before = json::array();
      if (vocabulary)
        before.push_back({{"release", "vocabulary"}, {"noise_multiplier", vocabulary->phase.noiseMultiplier},
                          {"threshold", vocabulary->threshold}, {"threshold_delta", vocabulary->thresholdDelta}});
      std::cout << json{{"run_id", id}, {"before_training", before}, {"ledger", rows},
                        {"recomputed", {{"accountant", accountant}, {"epsilon", r.epsilon}, {"delta", r.delta},
                                        {"steps", r.steps}}}}
                       .dump()
                << std::endl;
    } else {
      if (vocabulary)
        std::printf("before training: DP vocabulary, σ %.4g, threshold τ %.4g (δ_τ = %.3g of the δ)\n",
                    vocabulary->phase.noiseMultiplier, vocabulary->threshold, vocabulary->thresholdDelta);
      std::printf("%-8s %-10s %-10s %-10s %-10s %s\n", "step", "sigma", "q", "epsilon", "delta", "accountant");
      for (const auto& e : entries)
        std::printf("%-8ld %-10.4g %-10.4g %-10.4g %-10.3g %s\n", e.step, e.noiseMultiplier, e.sampleRate, e.epsilon,
                    e.delta, e.accountant.c_str());
      std::printf("recomputed with %s: ε = %.6f at δ = %g after %ld steps\n", accountant.c_str(), r.epsilon, r.delta,
                  r.steps);
    }
    return 0;
  }
  if (sub == "tag" || sub == "untag" || sub == "note" || sub == "rename") return annotateRun(store, a, sub);
  if (sub == "check") return checkStore(store, a);
  if (sub == "delete") {
    const long long id = runIdArg(a, "delete");
    requireRun(store, id);
    store.deleteRun(id);
    std::printf("deleted run %lld\n", id);
    return 0;
  }
  throw InputError("runs " + sub, "unknown subcommand (list, show, export, ledger, tag, untag, note, rename, check, delete)");
}

int reportCommand(const std::vector<std::string>& argv) {
  const Args a(argv, {"store", "where", "output", "metrics"}, {"json"});
  if (!a.has("output")) throw InputError("report", "expects --output DIR (the folder for report.md and its figures)");
  const RunStore store(storePath(a), /*readOnly=*/true);
  const auto report = writeRunReport(store, chosenRuns(store, a), a.get("output"),
                                     a.has("metrics") ? split(a.get("metrics"), ',') : std::vector<std::string>{});
  if (a.has("json")) std::cout << json{{"report", report.markdown}, {"files", report.files}}.dump() << std::endl;
  else std::printf("report: %s (%zu files)\n", report.markdown.c_str(), report.files.size());
  return 0;
}

int datasetsCommand(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] != "list") throw InputError("datasets", "expects the subcommand: list");
  const Args a(std::vector<std::string>(argv.begin() + 1, argv.end()), {}, {"json"});
  const std::string root = dataRoot();
  json arr = json::array();
  if (!a.has("json")) std::printf("data root: %s\n", root.empty() ? "(none found; set TRUSTLAB_DATA_DIR)" : root.c_str());
  for (const auto& d : knownDatasets()) {
    const std::string path = knownDatasetPath(d);
    const bool available = d.relativePath.empty() || !path.empty();
    arr.push_back({{"name", d.name}, {"description", d.description}, {"available", available}, {"path", path}});
    if (!a.has("json"))
      std::printf("  %-13s %-10s %s\n", d.name.c_str(), available ? "available" : "missing", d.description.c_str());
  }
  if (a.has("json")) std::cout << json{{"data_root", root}, {"datasets", arr}}.dump() << std::endl;
  return 0;
}

}  // namespace trustlab::cli
