// trustlab-cli attack: membership inference and canary audits of a stored run; results are also
// recorded on the run (audit/… metrics) for the run browser and the tradeoff view.
#include <cstdio>
#include <iostream>

#include "args.h"
#include "cli_commands.h"
#include "experiment/run_audit.h"
#include "util/errors.h"
#include "util/runtime.h"

namespace trustlab::cli {

int attackCommand(const std::vector<std::string>& argv) {
  if (argv.empty()) throw InputError("attack", "expects a subcommand: mia, canary");
  const std::string sub = argv[0];
  const Args a(std::vector<std::string>(argv.begin() + 1, argv.end()),
               {"run", "store", "method", "shadows", "audit-examples", "steps", "restarts", "threads"},
               {"json", "offline", "fixed-variance"});
  if (!a.has("run")) throw InputError("--run", "is required (a run id from 'runs list')");
  const long long id = a.getLong("run", 0);
  configureThreads(int(a.getLong("threads", 0)));
  RunStore store(storePath(a));
  const auto run = loadRunForAudit(store, id);
  if (sub == "mia") {
    auto o = membershipOptions(run.spec.audit, a.get("method", MembershipAuditOptions{}.method));
    o.shadows = int(a.getLong("shadows", o.shadows));
    if (o.shadows < 2) throw InputError("--shadows", "LiRA needs at least 2 shadow models");
    o.auditExamples = int(a.getLong("audit-examples", o.auditExamples));
    o.lira.online = !a.has("offline");
    o.lira.fixedVariance = a.has("fixed-variance");
    if (!a.has("json")) o.progress = [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); };
    const auto r = namingOptions({{"method", "method"}}, [&] { return auditRunMembership(store, id, run, o); });
    if (a.has("json")) {
      std::cout << membershipJson(r, false) << std::endl;
    } else {
      std::printf("run %lld, %s\n  ROC: %s\n", id, describeMembership(r).c_str(),
                  rocArtifactPath(store.path(), id, o.method).c_str());
    }
    return 0;
  }
  if (sub == "canary") {
    InversionOptions o;
    o.steps = int(a.getLong("steps", o.steps));
    o.restarts = int(a.getLong("restarts", o.restarts));
    if (o.steps < 1 || o.restarts < 1) throw InputError("--steps", "steps and restarts must be ≥ 1");
    const auto r = auditRunCanaries(store, id, run, o);
    if (a.has("json")) {
      std::cout << canaryJson(r) << std::endl;
    } else {
      std::printf("run %lld: %s\n", id, describeCanaries(r).c_str());
    }
    return 0;
  }
  throw InputError("attack", "unknown subcommand '" + sub + "' (mia, canary)");
}

}  // namespace trustlab::cli
