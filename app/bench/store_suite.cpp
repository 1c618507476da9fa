#include "store_suite.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "../cli/args.h"
#include "spec/experiment_spec.h"
#include "store/run_filter.h"
#include "store/run_store.h"
#include "suite_help.h"
#include "timing.h"

namespace trustlab::bench {
namespace {

/// `runs` runs shaped like real ones: a full spec, a dozen params, eight metrics of 50 points, tags.
void fillStore(RunStore& store, long runs) {
  ExperimentSpec spec;
  const std::string json = spec.toJson();
  for (long i = 0; i < runs; ++i) {
    const long long id = store.createRun(i % 3 ? "default" : "sweep:eps", "bilstm edp ε=" + std::to_string(1 + i % 8),
                                         json, spec.sha256(), unsigned(i), ReproInfo{});
    std::map<std::string, std::string> params{{"privacy.mode", i % 2 ? "edp" : "off"},
                                              {"privacy.target_epsilon", std::to_string(1 + i % 8)}};
    for (int p = 0; p < 10; ++p) params["param" + std::to_string(p)] = std::to_string(i * p);
    store.logParams(id, params);
    std::vector<RunStore::Metric> points;
    for (int m = 0; m < 8; ++m)
      for (long step = 1; step <= 50; ++step)
        points.push_back({"metric/" + std::to_string(m), step, double(i % 100) / 100.0 + double(step) * 1e-3, double(step)});
    store.logMetrics(id, points);
    store.setTag(id, "note", "run " + std::to_string(i));
    store.finishRun(id, "finished");
  }
}

}  // namespace

int storeSuite(const std::vector<std::string>& argv) {
  const cli::Args a(argv, {"runs", "repeats"}, {"json"},
                    bench::suiteHelp("store", "Opening and filtering a store of many runs."));
  const long runs = a.getLong("runs", 2000);
  const int repeats = int(a.getLong("repeats", 5));
  const auto path = std::filesystem::temp_directory_path() / ("trustlab-bench-store-" + std::to_string(getpid()) + ".sqlite");
  const double fillSeconds = secondsOf([&] {
    RunStore store(path.string());
    fillStore(store, runs);
  });
  std::vector<RunRecord> listed;
  const double openSeconds = timeMedian([&] { listed = RunStore(path.string(), /*readOnly=*/true).listRuns(); }, repeats);
  const RunFilter filter = RunFilter::parse("privacy.mode = edp and metric/3 > 0.5 and note ~ 1");
  long kept = 0;
  const double filterSeconds = timeMedian([&] {
    kept = 0;
    for (const auto& r : listed) kept += filter.matches(r);
  }, repeats);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  const nlohmann::json r = {{"suite", "store"}, {"runs", runs}, {"listed", listed.size()}, {"fill_seconds", fillSeconds},
                            {"open_and_list_seconds", openSeconds}, {"filter_seconds", filterSeconds}, {"kept", kept}};
  if (a.has("json")) std::cout << r.dump() << std::endl;
  else
    std::printf("%ld runs: open and list %.1f ms, filter %.2f ms (%ld kept), median of %d; filling took %.1f s\n", runs,
                openSeconds * 1e3, filterSeconds * 1e3, kept, repeats, fillSeconds);
  return 0;
}

}  // namespace trustlab::bench
