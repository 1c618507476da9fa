// trustlab-cli sweep: runs a sweep spec's points (a grid or a random search over any declared
// fields) with their audits (resuming a sweep already in the store), over --nproc processes that
// share the cores, and prints the privacy/utility/leakage/fairness table, mean ± std over seeds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.h"
#include "audits/audit.h"
#include "cli_commands.h"
#include "experiment/sweep.h"
#include "process_share.h"
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
  RunStore store(storePath(a));
  auto share = shareProcesses(a, "sweep", argv, store.path());
  TerminalProgress progress(share.worker || a.has("quiet") || a.has("json"));
  SweepOptions o;
  o.store = &store;
  o.observers = {&progress};
  o.onMessage = [&](const std::string& m) { progress.onMessage(m); };
  o.onPointDone = [&](const SweepPoint& p, int i, int total, long long id, bool reused) {
    progress.finish();
    if (!a.has("json") && !share.worker)
      std::fprintf(stderr, "[%d/%d] %s: run %lld%s\n", i + 1, total, p.key.c_str(), id, reused ? " (already done)" : "");
  };
  o.shard = share.shard;
  o.shards = share.shards;
  o.threads = share.threads;
  auto outcome = runSweep(sweep, o);
  if (share.worker) return outcome.cancelled ? 1 : 0;
  if (share.others) share.others->wait();  // throws naming a process that failed; its finished points stay stored
  const auto cells = summarizeSweep(store, sweep.name);
  if (a.has("json")) {
    json arr = json::array();
    for (const auto& c : cells) arr.push_back(cellJson(c));
    // ran and reused count this process's points; `processes` shared them.
    std::cout << json{{"sweep", sweep.name}, {"store", store.path()}, {"ran", outcome.ran}, {"reused", outcome.reused},
                      {"processes", share.shards},
                      {"seconds", outcome.seconds}, {"cancelled", outcome.cancelled}, {"cells", arr}}
                     .dump()
              << std::endl;
    return 0;
  }
  std::printf("sweep %s: %d runs trained, %d already done%s, %.1f s (store %s)\n", sweep.name.c_str(), outcome.ran,
              outcome.reused, share.shards > 1 ? (" by this process of " + std::to_string(share.shards)).c_str() : "",
              outcome.seconds, store.path().c_str());
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
