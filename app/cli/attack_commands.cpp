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
    MembershipAuditOptions o;
    o.method = a.get("method", "loss");
    o.shadows = int(a.getLong("shadows", run.spec.audit.shadows));
    if (o.shadows < 2) throw InputError("--shadows", "LiRA needs at least 2 shadow models");
    o.auditExamples = int(a.getLong("audit-examples", run.spec.audit.auditExamples));
    o.lira.online = !a.has("offline");
    o.lira.fixedVariance = a.has("fixed-variance");
    if (!a.has("json")) o.progress = [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); };
    const auto r = auditRunMembership(store, id, run, o);
    if (a.has("json")) {
      std::cout << membershipJson(r, false) << std::endl;
    } else {
      std::printf("run %lld, %s attack on %ld members / %ld non-members (%.1f s)\n", id, r.method.c_str(), r.members,
                  r.nonMembers, r.seconds);
      std::printf("  AUC %.4f, TPR %.4f at 0.1%% FPR, %.4f at 1%% FPR, advantage %.4f\n", r.auc, r.tprAt01Pct,
                  r.tprAt1Pct, r.advantage);
      std::printf("  empirical ε ≥ %.3f (95%% Clopper–Pearson; point estimate %.3f)\n", r.epsilon.lowerBound,
                  r.epsilon.pointEstimate);
      std::printf("  ROC: %s\n", rocArtifactPath(store, id, o.method).c_str());
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
      std::printf("run %lld: %zu canaries, mean exposure %.2f bits (max %.2f), inversion recovers %.1f%% of secret "
                  "tokens (guessing: %.1f%%), %.0f%% extracted whole (%.1f s)\n",
                  id, r.canaries.size(), r.meanExposure, r.maxExposure, 100 * r.tokensRecovered,
                  100 * r.randomGuessTokens, 100 * r.extractionRate, r.seconds);
      for (const auto& c : r.canaries)
        std::printf("  '%s' → '%s'  exposure %.2f (rank %.0f of %.0f%s)\n", c.text.c_str(), c.recoveredText.c_str(),
                    c.exposure.exposure, c.exposure.rank, c.exposure.candidates, c.exposure.exact ? "" : ", sampled");
    }
    return 0;
  }
  throw InputError("attack", "unknown subcommand '" + sub + "' (mia, canary)");
}

}  // namespace trustlab::cli
