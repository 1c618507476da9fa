// core/audits: the membership-inference audit of a trained model: a balanced audit set (training
// examples vs held-out test examples), the attack's scores, and every metric researchers report.
// The attack is chosen from membershipAttackRegistry(): "loss" (Yeom et al. 2018) and "lira"
// (Carlini et al. 2022, shadow models trained with the run's own spec on random halves of the
// audit set) are built in; plugins add more.
#pragma once
#include <ATen/core/Generator.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "attacks/epsilon_lower_bound.h"
#include "attacks/lira.h"
#include "attacks/membership_scores.h"
#include "attacks/roc.h"
#include "audits/audit.h"

namespace trustlab {

/// Shadow models kept on disk and shared between processes (for attacks that train shadows: LiRA).
/// Each trained shadow's scores go to `dir` with a fingerprint of what it was trained from (spec,
/// audit set, population, its index): a rerun with other attack options, a resumed audit and the
/// other processes of a shared one read it instead of training it again.
struct ShadowSharing {
  std::string dir;            ///< empty: shadows are not kept
  int shard = 0, shards = 1;  ///< this process trains shadows k ≡ shard (mod shards) first
  bool shareOnly = false;     ///< a helper: trains its share into `dir` and scores nothing
  std::function<void()> afterShare;  ///< after this process's share (e.g. wait for the helpers), before the rest
};

struct MembershipAuditOptions {
  std::string method = "loss";  ///< a membershipAttackRegistry() name
  int shadows = 16;
  ShadowSharing sharing;
  LiraOptions lira;
  int auditExamples = 500;  ///< members, and as many non-members (fewer when the test split is small)
  double delta = 1e-5;      ///< of the ε lower bound
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> progress;
};

struct MembershipAuditResult {
  std::string method;
  RocCurve roc;
  double auc = 0.5, tprAt01Pct = 0, tprAt1Pct = 0, advantage = 0;
  EmpiricalEpsilon epsilon;
  int shadows = 0;
  long members = 0, nonMembers = 0;
  double seconds = 0;
  bool cancelled = false;  ///< `stop` was raised while shadows trained: no metrics
  int shadowsReused = 0;   ///< read from ShadowSharing::dir instead of trained here
};

/// What an attack is given. It scores every row of `auditSet` (members and non-members; which
/// is which is the audit's secret) from what a black-box attacker who knows the training recipe has.
struct MembershipAttackInput {
  TextClassifierImpl& target;
  const ExperimentSpec& spec;          ///< how the target was trained (shadow models copy it)
  const PreparedData& data;            ///< vocabulary, labels, validation split
  const EncodedSplit& auditSet;
  const EncodedSplit& population;      ///< training examples outside the audit set
  const ExampleScores& targetScores;   ///< the target's loss and LiRA confidence on auditSet
  const MembershipAuditOptions& options;
  at::Generator& generator;            ///< the audit's seeded generator (shadow splits)
  torch::Device device;
};

struct MembershipAttackScores {
  std::vector<double> scores;  ///< one per auditSet row; higher = more likely a member
  std::string label;           ///< the method as reported ("lira-online-fixed")
  int shadows = 0;             ///< shadow models trained
  int shadowsReused = 0;       ///< of them, read from options.sharing.dir
  bool cancelled = false;      ///< options.stop was raised
};

struct MembershipAttack {
  std::function<MembershipAttackScores(const MembershipAttackInput&)> score;
};
/// loss, lira and any added by plugins (`trustlab-cli attack mia --method`, the GUI's Audit menu).
Registry<MembershipAttack>& membershipAttackRegistry();

/// The audit a spec's `audit` section asks for with `method`: its shadows and audit-set size, and
/// fixed variance below 64 shadows (Carlini et al.: it wins when shadows are few).
MembershipAuditOptions membershipOptions(const AuditConfig& audit, const std::string& method);

/// Audits `target` (trained by `spec` on `data.train`). Throws InputError for an unusable audit set.
/// With options.sharing.shareOnly only the shadows of this share are trained (result: shadows, no
/// metrics).
MembershipAuditResult auditMembership(TextClassifierImpl& target, const ExperimentSpec& spec, const PreparedData& data,
                                      const MembershipAuditOptions& options);

/// The metrics of one score vector (higher = member).
MembershipAuditResult membershipMetrics(const std::vector<double>& scores, const std::vector<bool>& isMember,
                                        double delta);

inline constexpr char kMembershipAudit[] = "membership";
/// Where the ROC of `attack` is stored beside a run's checkpoint (auditArtifactPath): "roc-lira.json".
std::string rocFileName(const std::string& attack);
/// Where the front ends keep a run's shadow models (ShadowSharing::dir), beside its checkpoint.
std::string keptShadowsDir(const std::string& storePath, long long runId);
/// The registry entry. Argument: the attack (default loss), which is also the scope
/// (audit/mia_<attack>/…). Typed options: MembershipAuditOptions (default: membershipOptions of
/// the run's audit section); the run's δ is always used for the ε lower bound.
Audit membershipAudit();

}  // namespace trustlab
