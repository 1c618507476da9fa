// trustlab-cli attack: the membership-inference, canary and white-box (gradient canary) audits of a
// stored run with their typed options; results are also recorded on the run (audit/… metrics) for the run browser and
// the tradeoff view.
#include <cstdio>

#include "args.h"
#include "audits/canary_audit.h"
#include "audits/gradient_canary_audit.h"
#include "audits/membership_audit.h"
#include "cli_commands.h"
#include "util/errors.h"

namespace trustlab::cli {

int attackCommand(const std::vector<std::string>& argv) {
  if (argv.empty()) throw InputError("attack", "expects a subcommand: mia, canary, whitebox");
  const std::string sub = argv[0];
  const Args a(std::vector<std::string>(argv.begin() + 1, argv.end()),
               {"run", "store", "method", "shadows", "audit-examples", "steps", "restarts", "threads", "canaries", "trainings"},
               {"json", "offline", "fixed-variance"});
  if (sub == "mia") {
    // The run's audit section gives the defaults (shadows, audit-set size) that options override.
    const auto request = [&](const AuditedRun& run) {
      auto o = membershipOptions(run.spec.audit, a.get("method", MembershipAuditOptions{}.method));
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
