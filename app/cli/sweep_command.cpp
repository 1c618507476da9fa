// trustlab-cli sweep: runs a sweep spec's points (a grid or a random search over any declared
// fields) with their audits (resuming a sweep already in the store), over --nproc processes that
// share the cores, and prints the privacy/utility/leakage/fairness table, mean ± std over seeds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "args.h"
#include "audits/audit.h"
#include "cli_commands.h"
#include "experiment/sweep.h"
#include "federated/local_ranks.h"
#include "util/runtime.h"
#include "terminal_progress.h"
#include "util/errors.h"

namespace trustlab::cli {
namespace {

using nlohmann::json;

/// The table's columns: (metric key, header): utility, then every privacy audit's metrics and the
/// fairness audits' headline ones (a column is shown when some cell has it).
std::vector<std::pair<std::string, std::string>> columns() {
  std::vector<std::pair<std::string, std::string>> out = {{"test/accuracy", "accuracy"}, {"test/macro_f1", "macro-F1"}};
  for (const auto& m : auditMetricColumns(AuditFamily::Privacy, false)) out.emplace_back(m.key, m.label);
  for (const auto& m : auditMetricColumns(AuditFamily::Fairness, true)) out.emplace_back(m.key, m.label);
  return out;
}

/// The cell's other swept settings, "training.lr=0.001 model.dropout=0.3" ("" when none).
std::string settingsText(const SweepCell& c) {
  std::string text;
  for (const auto& [field, value] : c.settings) text += (text.empty() ? "" : " ") + field + "=" + value;
  return text;
}

json cellJson(const SweepCell& c) {
  json metrics = json::object();
  for (const auto& [k, v] : c.metrics) metrics[k] = {{"mean", v.first}, {"std", v.second}};
  return {{"dataset", c.dataset}, {"model", c.model}, {"epsilon", std::isinf(c.epsilon) ? json("inf") : json(c.epsilon)},
          {"settings", c.settings}, {"runs", c.runs}, {"run_ids", c.runIds}, {"noise_multiplier", c.noiseMultiplier}, {"metrics", metrics}};
}

}  // namespace

int sweepCommand(const std::vector<std::string>& argv) {
  const Args a(argv, {"store", "nproc"}, {"json", "quiet", "worker"});
  if (a.positional().size() != 1) throw InputError("sweep", "expects one sweep spec file");
  const auto sweep = SweepSpec::fromFile(a.positional().front());
  const long nproc = a.getLong("nproc", 1);
  if (nproc < 1 || nproc > 256) throw InputError("--nproc", "must be in 1..256");
  RunStore store(storePath(a));
  const bool worker = a.has("worker");  // a process started by `sweep --nproc`: its share, silently
  TerminalProgress progress(worker || a.has("quiet") || a.has("json"));
  SweepOptions o;
  o.store = &store;
  o.observers = {&progress};
  o.onMessage = [&](const std::string& m) { progress.onMessage(m); };
  o.onPointDone = [&](const SweepPoint& p, int i, int total, long long id, bool reused) {
    progress.finish();
    if (!a.has("json") && !worker)
      std::fprintf(stderr, "[%d/%d] %s: run %lld%s\n", i + 1, total, p.key.c_str(), id, reused ? " (already done)" : "");
  };
  // --nproc N: this process and N − 1 started beside it each run every N-th point, the cores shared.
  std::unique_ptr<LocalRanks> others;
  if (worker) {
    const auto place = Rendezvous::fromEnvironment();
    o.shard = place.rank;
    o.shards = place.worldSize;
    o.threads = threadsPerProcess(place.worldSize);
  } else if (nproc > 1) {
    Rendezvous place;
    place.worldSize = int(nproc);
    auto args = argv;
    args.insert(args.begin(), "sweep");
    args.push_back("--worker");
    if (!a.has("store")) args.insert(args.end(), {"--store", store.path()});
    others = std::make_unique<LocalRanks>(std::filesystem::read_symlink("/proc/self/exe").string(), args, place);
    o.shards = int(nproc);
    o.threads = threadsPerProcess(int(nproc));
  }
  auto outcome = runSweep(sweep, o);
  if (worker) return outcome.cancelled ? 1 : 0;
  if (others) others->wait();  // throws naming a process that failed; its finished points stay stored
  const auto cells = summarizeSweep(store, sweep.name);
  if (a.has("json")) {
    json arr = json::array();
    for (const auto& c : cells) arr.push_back(cellJson(c));
    std::cout << json{{"sweep", sweep.name}, {"store", store.path()}, {"ran", outcome.ran}, {"reused", outcome.reused},
                      {"seconds", outcome.seconds}, {"cancelled", outcome.cancelled}, {"cells", arr}}
                     .dump()
              << std::endl;
    return 0;
  }
  std::printf("sweep %s: %d runs trained, %d already done, %.1f s (store %s)\n", sweep.name.c_str(), outcome.ran,
              outcome.reused, outcome.seconds, store.path().c_str());
  size_t settingsWidth = 0;
  for (const auto& c : cells) settingsWidth = std::max(settingsWidth, settingsText(c).size());
  std::printf("%-10s %-12s %-6s %-*s%-5s %-7s", "dataset", "model", "ε", int(settingsWidth + (settingsWidth > 0)),
              settingsWidth ? "settings" : "", "runs", "σ");
  std::vector<std::pair<std::string, std::string>> shown;
  const auto width = [](const std::string& header) { return int(std::max<size_t>(17, header.size())); };
  for (const auto& col : columns())
    for (const auto& c : cells)
      if (c.metrics.count(col.first)) {
        shown.push_back(col);
        std::printf(" %-*s", width(col.second), col.second.c_str());
        break;
      }
  std::printf("\n");
  for (const auto& c : cells) {
    std::printf("%-10s %-12s %-6s %-*s%-5d %-7.3f", c.dataset.c_str(), c.model.c_str(),
                std::isinf(c.epsilon) ? "∞" : std::to_string(c.epsilon).substr(0, 4).c_str(),
                int(settingsWidth + (settingsWidth > 0)), settingsText(c).c_str(), c.runs, c.noiseMultiplier);
    for (const auto& col : shown) {
      const auto it = c.metrics.find(col.first);
      if (it == c.metrics.end()) std::printf(" %-*s", width(col.second), "–");
      else std::printf(" %7.4f ± %-*.4f", it->second.first, width(col.second) - 10, it->second.second);
    }
    std::printf("\n");
  }
  return outcome.cancelled ? 1 : 0;
}

}  // namespace trustlab::cli
