// trustlab-cli attack: the membership-inference, canary and white-box (gradient canary) audits of a
// stored run with their typed options; results are also recorded on the run (audit/… metrics) for the run browser and
// the tradeoff view.
#include <any>
#include <cstdio>

#include "args.h"
#include "audits/audited_run.h"
#include "audits/canary_audit.h"
#include "audits/gradient_canary_audit.h"
#include "audits/membership_audit.h"
#include "cli_commands.h"
#include "process_share.h"
#include "store/run_store.h"
#include "util/runtime.h"
#include "util/errors.h"

namespace trustlab::cli {

int attackCommand(const std::vector<std::string>& argv) {
  if (argv.empty()) throw InputError("attack", "expects a subcommand: mia, canary, whitebox");
  const std::string sub = argv[0];
  const Args a(std::vector<std::string>(argv.begin() + 1, argv.end()),
               {"run", "store", "method", "shadows", "audit-examples", "steps", "restarts", "threads", "canaries", "trainings",
                "nproc"},
               {"json", "offline", "fixed-variance", "worker"});
  if (sub == "mia") {
    // Shadows are kept beside the run (a rerun with other LiRA options reuses them) and, with
    // --nproc, trained by several processes: each its share, this one the rest and the scores.
    const auto share = shareProcesses(a, "attack", argv, storePath(a));
    const auto keepShadows = [&](MembershipAuditOptions& o, long long runId) {
      o.sharing.dir = keptShadowsDir(storePath(a), runId);
      o.sharing.shard = share.shard;
      o.sharing.shards = share.shards;
      o.sharing.shareOnly = share.worker;
      if (share.others) o.sharing.afterShare = [&] { share.others->wait(); };
      if (share.shards > 1 && !a.has("threads")) configureThreads(share.threads);
    };
    // The run's audit section gives the defaults (shadows, audit-set size) that options override.
    const auto request = [&](const AuditedRun& run) {
      auto o = membershipOptions(run.spec.audit, a.get("method", MembershipAuditOptions{}.method));
      keepShadows(o, a.getLong("run", 0));
      o.shadows = int(a.getLong("shadows", o.shadows));
      if (o.shadows < 2) throw InputError("--shadows", "LiRA needs at least 2 shadow models");
      o.auditExamples = int(a.getLong("audit-examples", o.auditExamples));
      o.lira.online = !a.has("offline");
      o.lira.fixedVariance = a.has("fixed-variance");
      if (!a.has("json")) o.progress = [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); };
      AuditRequest r;
      r.argument = o.method;
      r.options = o;
      return r;
    };
    if (share.worker) {  // a helper: its share of the shadows into the shared folder, nothing recorded
      RunStore store(storePath(a));
      const auto run = loadRunForAudit(store, a.getLong("run", 0));
      auto o = std::any_cast<MembershipAuditOptions>(request(run).options);
      o.progress = nullptr;
      auditMembership(*run.model, run.spec, run.data, o);
      return 0;
    }
    return runAuditCommand(a, kMembershipAudit, request, {{"argument", "method"}, {"method", "method"}});
  }
  if (sub == "canary") {
    InversionOptions o;
    o.steps = int(a.getLong("steps", o.steps));
    o.restarts = int(a.getLong("restarts", o.restarts));
    if (o.steps < 1 || o.restarts < 1) throw InputError("--steps", "steps and restarts must be ≥ 1");
    return runAuditCommand(a, kCanaryAudit, [&](const AuditedRun&) { return AuditRequest{"", "", o, {}, nullptr}; }, {});
  }
  if (sub == "whitebox") {
    GradientCanaryAuditOptions o;
    o.canaries.count = a.getLong("canaries", o.canaries.count);
    o.trainings = int(a.getLong("trainings", o.trainings));
    if (o.canaries.count < 2) throw InputError("--canaries", "the white-box audit needs at least 2 canaries");
    if (o.trainings < 0) throw InputError("--trainings", "at least one training (0: as many as --canaries needs)");
    if (!a.has("json")) o.progress = [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); };
    return runAuditCommand(a, kGradientCanaryAudit, [&](const AuditedRun&) { return AuditRequest{"", "", o, {}, nullptr}; }, {});
  }
  throw InputError("attack", "unknown subcommand '" + sub + "' (mia, canary, whitebox)");
}

}  // namespace trustlab::cli
