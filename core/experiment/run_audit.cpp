#include "experiment/run_audit.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "experiment/checkpoint.h"
#include "util/errors.h"
#include "util/runtime.h"

namespace trustlab {
namespace {

using nlohmann::json;

std::string runName(long long id) { return "run " + std::to_string(id); }

}  // namespace

std::string rocArtifactPath(const std::string& storePath, long long runId, const std::string& method) {
  return runArtifactDir(storePath, runId) + "/roc-" + method + ".json";
}

AuditedRun loadRunForAudit(const RunStore& store, long long runId) {
  const auto rec = store.run(runId);
  if (!rec) throw InputError(store.path(), "no such run", 0, runName(runId));
  const auto it = rec->tags.find("checkpoint");
  if (rec->status != "finished" || it == rec->tags.end())
    throw InputError(store.path(), "the run is " + rec->status + " and has no checkpoint to audit", 0, runName(runId));
  auto ck = loadCheckpoint(it->second);
  AuditedRun r{ck.spec, prepareData(ck.spec, &ck.vocabulary), ck.model};
  r.model->to(parseDevice(r.spec.training.device));
  return r;
}

MembershipAuditResult auditRunMembership(RunStore& store, long long runId, const AuditedRun& run,
                                         const MembershipAuditOptions& options) {
  auto o = options;
  o.delta = run.spec.training.privacy.delta;
  const auto r = auditMembership(*run.model, run.spec, run.data, o);
  if (r.cancelled) return r;
  const std::string p = "audit/mia_" + options.method + "/";
  const double t = unixSeconds();
  store.logMetrics(runId, {{p + "auc", 0, r.auc, t},
                           {p + "tpr_at_0.1pct_fpr", 0, r.tprAt01Pct, t},
                           {p + "tpr_at_1pct_fpr", 0, r.tprAt1Pct, t},
                           {p + "advantage", 0, r.advantage, t},
                           {p + "epsilon_lower_bound", 0, r.epsilon.lowerBound, t}});
  store.setTag(runId, "audit.mia_" + options.method, r.method + (r.shadows ? ", " + std::to_string(r.shadows) + " shadows" : ""));
  const auto path = rocArtifactPath(store.path(), runId, options.method);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << membershipJson(r, true);
  return r;
}

CanaryAuditResult auditRunCanaries(RunStore& store, long long runId, const AuditedRun& run,
                                   const InversionOptions& options) {
  const auto r = auditCanaries(*run.model, run.spec, run.data, options);
  const double t = unixSeconds();
  store.logMetrics(runId, {{"audit/canary/exposure", 0, r.meanExposure, t},
                           {"audit/canary/tokens_recovered", 0, r.tokensRecovered, t},
                           {"audit/canary/extracted", 0, r.extractionRate, t}});
  return r;
}

std::string describeMembership(const MembershipAuditResult& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s attack on %ld members / %ld non-members (%.1f s)\n"
                "  AUC %.4f, TPR %.4f at 0.1%% FPR, %.4f at 1%% FPR, advantage %.4f\n"
                "  empirical ε ≥ %.3f (95%% Clopper–Pearson; point estimate %.3f)",
                r.method.c_str(), r.members, r.nonMembers, r.seconds, r.auc, r.tprAt01Pct, r.tprAt1Pct, r.advantage,
                r.epsilon.lowerBound, r.epsilon.pointEstimate);
  return buf;
}

std::string describeCanaries(const CanaryAuditResult& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%zu canaries: mean exposure %.2f bits (max %.2f), inversion recovers %.1f%% of secret tokens "
                "(guessing: %.1f%%), %.0f%% extracted whole (%.1f s)",
                r.canaries.size(), r.meanExposure, r.maxExposure, 100 * r.tokensRecovered, 100 * r.randomGuessTokens,
                100 * r.extractionRate, r.seconds);
  std::string out = buf;
  for (const auto& c : r.canaries) {
    std::snprintf(buf, sizeof buf, "\n  '%s' → '%s'  exposure %.2f (rank %.0f of %.0f%s)", c.text.c_str(),
                  c.recoveredText.c_str(), c.exposure.exposure, c.exposure.rank, c.exposure.candidates,
                  c.exposure.exact ? "" : ", sampled");
    out += buf;
  }
  return out;
}

std::string membershipJson(const MembershipAuditResult& r, bool withRoc, int indent) {
  json j = {{"method", r.method},
            {"auc", r.auc},
            {"tpr_at_0.1pct_fpr", r.tprAt01Pct},
            {"tpr_at_1pct_fpr", r.tprAt1Pct},
            {"advantage", r.advantage},
            {"epsilon_lower_bound", r.epsilon.lowerBound},
            {"epsilon_point_estimate", r.epsilon.pointEstimate},
            {"confidence", 0.95},
            {"members", r.members},
            {"non_members", r.nonMembers},
            {"shadows", r.shadows},
            {"seconds", r.seconds}};
  if (withRoc) j["roc"] = {{"fpr", r.roc.fpr}, {"tpr", r.roc.tpr}};
  return j.dump(indent);
}

std::string canaryJson(const CanaryAuditResult& r, int indent) {
  json canaries = json::array();
  for (const auto& c : r.canaries)
    canaries.push_back({{"text", c.text},
                        {"recovered", c.recoveredText},
                        {"exposure", c.exposure.exposure},
                        {"rank", c.exposure.rank},
                        {"candidates", c.exposure.candidates},
                        {"exact", c.exposure.exact},
                        {"tokens_recovered", c.inversion.tokensRecovered},
                        {"extracted", c.inversion.extracted}});
  return json{{"exposure", r.meanExposure},
              {"max_exposure", r.maxExposure},
              {"tokens_recovered", r.tokensRecovered},
              {"extracted", r.extractionRate},
              {"random_guess_tokens", r.randomGuessTokens},
              {"seconds", r.seconds},
              {"canaries", canaries}}
      .dump(indent);
}

}  // namespace trustlab
