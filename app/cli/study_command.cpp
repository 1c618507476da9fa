// trustlab-cli study: runs a study (its grid of sweeps under experiment "study:<name>", resuming
// what the store already holds), writes its report folder and prints where, or its headline
// numbers as JSON.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_commands.h"
#include "process_share.h"
#include "studies/study.h"
#include "terminal_progress.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab::cli {

namespace {

/// --size NAME, or --quick; the full design when neither is given.
StudySize studySize(const Args& a) {
  const auto size = a.has("size") ? studySizeRegistry().at(a.get("size")) : StudySize::full;
  if (!a.has("quick")) return size;
  if (a.has("size") && size != StudySize::quick) throw InputError("--quick", "contradicts --size " + a.get("size"));
  return StudySize::quick;
}

}  // namespace

int studyCommand(const std::vector<std::string>& argv) {
  const auto names = joinNames(studyRegistry().names(), ", ");
  std::string sizes;
  for (const auto& item : studySizeRegistry().items()) sizes += (sizes.empty() ? "" : "; ") + item.name + " (" + item.description + ")";
  if (argv.empty()) throw InputError("study", "expects a study (" + names + ") or list");
  const CommandHelp help{
      "trustlab-cli study",
      "Runs a study's grid (resuming what the store holds, under experiment study:NAME) and writes its report "
      "folder. Usage: trustlab-cli study list | NAME [options]; NAME is one of " + names + ".",
      {{"store", kRunOptionHelp.at("store")},
       {"output", "the report folder (default: study-NAME, or study-NAME-SIZE below full)"},
       {"json", "print the headline numbers as one JSON object"},
       {"size", "the design's size: " + sizes + " (default: full)"},
       {"quick", "the same as --size quick"},
       {"nproc", "processes sharing the grid's points and the cores (default 1)"},
       {"worker", "a process started by --nproc (runs its share of the grid, reports nothing)"},
       {"quiet", "no progress lines"}},
      "NAME",
      "the study (or list)"};
  const bool helpFirst = argv[0] == "--help" || argv[0] == "-h";  // `study --help`: the same text
  const std::vector<std::string> rest(argv.begin() + (helpFirst ? 0 : 1), argv.end());
  const Args a(rest, {"store", "output", "size", "nproc"}, {"json", "quick", "quiet", "worker"}, help);
  if (argv[0] == "list") {
    for (const auto& item : studyRegistry().items()) std::printf("%-22s %s\n", item.name.c_str(), item.description.c_str());
    return 0;
  }
  studyRegistry().at(argv[0]);  // an unknown study is named before anything runs
  RunStore store(storePath(a));
  auto share = shareProcesses(a, "study", argv, store.path());
  TerminalProgress progress(share.worker || a.has("quiet") || a.has("json"));
  StudyOptions o;
  o.store = &store;
  o.shard = share.shard;
  o.shards = share.shards;
  o.threads = share.threads;
  o.sweepsOnly = share.worker;
  o.afterSweeps = [&share] {
    if (share.others) share.others->wait();
  };
  o.size = studySize(a);
  const std::string sizeName = studySizeName(o.size);
  o.outputDir = a.get("output", "study-" + argv[0] + (o.size == StudySize::full ? "" : "-" + sizeName));
  o.observers = {&progress};
  o.progress = [&](const std::string& m) { progress.onMessage(m); };
  const auto out = runStudy(argv[0], o);
  progress.finish();
  if (share.worker) return out.cancelled ? 1 : 0;
  if (out.cancelled) throw std::runtime_error("study " + argv[0] + " stopped before its grid was done");
  if (a.has("json")) {
    std::cout << nlohmann::json{{"study", argv[0]}, {"size", sizeName}, {"report", out.files.front()},
                                {"ran", out.ran}, {"reused", out.reused}, {"processes", share.shards},
                                {"seconds", out.seconds},
                                {"headline", nlohmann::json::parse(out.headlineJson)}}
                     .dump()
              << std::endl;
    return 0;
  }
  std::printf("study %s%s: %d runs trained, %d already in the store%s, %.1f s\nreport: %s\n", argv[0].c_str(),
              o.size == StudySize::full ? "" : (" (" + sizeName + ")").c_str(), out.ran, out.reused,
              share.shards > 1 ? (" by this process of " + std::to_string(share.shards)).c_str() : "", out.seconds,
              out.files.front().c_str());
  return 0;
}

}  // namespace trustlab::cli
