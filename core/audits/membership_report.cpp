#include "audits/membership_report.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace trustlab {

std::string describeMembership(const MembershipAuditResult& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s attack on %ld members / %ld non-members (%.1f s)\n"
                "  AUC %.4f, TPR %.4f at 0.1%% FPR, %.4f at 1%% FPR, advantage %.4f\n"
                "  empirical ε ≥ %.3f (95%% Clopper–Pearson; point estimate %.3f)",
                r.method.c_str(), r.members, r.nonMembers, r.seconds, r.auc, r.tprAt01Pct, r.tprAt1Pct, r.advantage,
                r.epsilon.lowerBound, r.epsilon.pointEstimate);
  std::string text = buf;
  if (r.shadowsReused > 0)
    text += "\n  " + std::to_string(r.shadowsReused) + " of " + std::to_string(r.shadows) + " shadows were kept ones, not trained again";
  return text;
}

std::string membershipJson(const MembershipAuditResult& r, bool withRoc, int indent) {
  nlohmann::json j = {{"method", r.method},
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
                      {"shadows_reused", r.shadowsReused},
                      {"seconds", r.seconds}};
  if (withRoc) j["roc"] = {{"fpr", r.roc.fpr}, {"tpr", r.roc.tpr}};
  return j.dump(indent);
}

}  // namespace trustlab
