#include "audits/membership_audit.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "audits/membership_report.h"
#include "models/model_factory.h"
#include "training/trainer.h"
#include "util/errors.h"
#include "util/private_files.h"
#include "util/runtime.h"
#include "util/sha256.h"

namespace trustlab {

MembershipAuditOptions membershipOptions(const AuditConfig& audit, const std::string& method) {
  MembershipAuditOptions o;
  o.method = method;
  o.shadows = audit.shadows;
  o.auditExamples = audit.auditExamples;
  o.lira.fixedVariance = audit.shadows < 64;
  return o;
}

MembershipAuditResult membershipMetrics(const std::vector<double>& scores, const std::vector<bool>& isMember,
                                        double delta) {
  MembershipAuditResult r;
  r.roc = rocCurve(scores, isMember);
  r.members = r.roc.members;
  r.nonMembers = r.roc.nonMembers;
  r.auc = rocAuc(r.roc);
  r.tprAt01Pct = tprAtFpr(r.roc, 0.001);
  r.tprAt1Pct = tprAtFpr(r.roc, 0.01);
  r.advantage = membershipAdvantage(r.roc);
  r.epsilon = empiricalEpsilon(r.roc, delta);
  return r;
}

namespace {

/// Yeom et al. 2018: a low loss says member.
MembershipAttackScores lossAttack(const MembershipAttackInput& in) {
  MembershipAttackScores r;
  r.label = "loss";
  for (double l : in.targetScores.loss) r.scores.push_back(-l);
  return r;
}

/// One shadow's view of the audit set: which rows it trained on and its confidence on each.
struct ShadowScores {
  std::vector<bool> in;
  std::vector<double> confidence;
};

/// What the kept shadows must match: the spec and the audit set and population they were drawn
/// from (shadow k's fingerprint adds its index).
std::string shadowsFingerprint(const MembershipAttackInput& in) {
  std::string bytes = in.spec.sha256();
  for (const auto* t : {&in.auditSet.ids, &in.auditSet.labels, &in.population.ids, &in.population.labels}) {
    const auto c = t->to(torch::kCPU).contiguous();
    bytes.append(static_cast<const char*>(c.data_ptr()), size_t(c.nbytes()));
  }
  return sha256Hex(bytes);
}

std::string shadowFile(const std::string& dir, int k) { return dir + "/shadow-" + std::to_string(k) + ".json"; }

/// A kept shadow, when its file exists and matches (anything else — absent, unreadable, another
/// fingerprint or split — means train it again).
std::optional<ShadowScores> readShadow(const std::string& path, const std::string& fingerprint,
                                       const std::vector<bool>& in) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(f);
    ShadowScores s{j.at("in").get<std::vector<bool>>(), j.at("confidence").get<std::vector<double>>()};
    if (j.at("fingerprint").get<std::string>() != fingerprint || s.in != in || s.confidence.size() != in.size())
      return std::nullopt;
    return s;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// Written to a temporary name and renamed: a reader never sees half a file.
void writeShadow(const std::string& path, const std::string& fingerprint, const ShadowScores& s) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream f(tmp);
    f << nlohmann::json{{"fingerprint", fingerprint}, {"in", s.in}, {"confidence", s.confidence}}.dump();
    if (!f.flush()) throw std::runtime_error("cannot write the LiRA shadow " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

/// Shadow k, trained with the run's spec (its own seed) on the population and the rows `inIdx` of
/// the audit set; nullopt when `stop` was raised.
std::optional<ShadowScores> trainShadow(const MembershipAttackInput& in, int k, const torch::Tensor& inIdx,
                                        std::vector<bool> mask) {
  TrainConfig shadowTraining = in.spec.training;
  shadowTraining.seed = in.spec.training.seed + 7919 * uint64_t(k + 1);
  torch::manual_seed(shadowTraining.seed);
  auto shadow = makeClassifier(in.spec.model, long(in.data.vocabulary.size()), long(in.data.labelIndex.size()),
                               long(in.spec.data.tokenizer.maxLength));
  Trainer trainer(shadow, shadowTraining);
  if (trainer.fit(concatRows(in.population, selectRows(in.auditSet, inIdx)), in.data.valid, in.options.stop).cancelled)
    return std::nullopt;
  return ShadowScores{std::move(mask), scoreExamples(*shadow, in.auditSet, in.device).confidence};
}

/// Carlini et al. 2022: Gaussian fits of the confidence over shadow models with and without each
/// example. Every population example is in every shadow; each audit example is in exactly half of
/// them, so IN and OUT fits see the same number of models on average. Shadow k's half is the k-th
/// draw of the audit's generator, so every process sharing the shadows draws the same halves; a
/// process trains its share first, then reads (or, when missing, trains) the others.
MembershipAttackScores liraAttack(const MembershipAttackInput& in) {
  const auto& o = in.options;
  const auto& share = o.sharing;
  const long n = in.auditSet.size();
  MembershipAttackScores r;
  r.label = std::string("lira-") + (o.lira.online ? "online" : "offline") + (o.lira.fixedVariance ? "-fixed" : "");
  r.shadows = o.shadows;
  std::vector<torch::Tensor> halves;
  std::vector<std::vector<bool>> masks;
  for (int k = 0; k < o.shadows; ++k) {
    halves.push_back(torch::randperm(n, in.generator, torch::kLong).narrow(0, 0, n / 2));
    std::vector<bool> mask(size_t(n), false);
    const auto rows = halves.back().accessor<int64_t, 1>();
    for (long i = 0; i < n / 2; ++i) mask[size_t(rows[i])] = true;
    masks.push_back(std::move(mask));
  }
  if (!share.dir.empty()) createPrivateDirectories(share.dir);
  std::vector<std::optional<ShadowScores>> shadows(size_t(o.shadows));
  const std::string fingerprints = share.dir.empty() ? "" : shadowsFingerprint(in);  // hashed once, not per shadow
  const auto obtain = [&](int k) {  // false: stopped
    const std::string fingerprint = fingerprints + "/" + std::to_string(k);
    if (!share.dir.empty()) shadows[size_t(k)] = readShadow(shadowFile(share.dir, k), fingerprint, masks[size_t(k)]);
    if (shadows[size_t(k)]) {
      r.shadowsReused++;
    } else {
      if (o.progress) o.progress("LiRA: training shadow " + std::to_string(k + 1) + " of " + std::to_string(o.shadows));
      shadows[size_t(k)] = trainShadow(in, k, halves[size_t(k)], masks[size_t(k)]);
      if (!shadows[size_t(k)]) return false;
      if (!share.dir.empty()) writeShadow(shadowFile(share.dir, k), fingerprint, *shadows[size_t(k)]);
    }
    return true;
  };
  const int shards = std::max(1, share.shards);
  bool stopped = false;
  for (int k = share.shard % shards; k < o.shadows && !stopped; k += shards) stopped = !obtain(k);
  if (share.shareOnly || stopped) {
    r.cancelled = stopped;
    return r;
  }
  if (share.afterShare) share.afterShare();
  for (int k = 0; k < o.shadows && !stopped; ++k) stopped = !shadows[size_t(k)] && !obtain(k);
  if (stopped) {
    r.cancelled = true;
    return r;
  }
  std::vector<std::vector<double>> confidence;
  for (auto& s : shadows) confidence.push_back(std::move(s->confidence));
  r.scores = liraScores(in.targetScores.confidence, confidence, masks, o.lira);
  return r;
}

}  // namespace

Registry<MembershipAttack>& membershipAttackRegistry() {
  static Registry<MembershipAttack> r("membership attack", "method", [](auto& reg) {
    reg.add({"loss", "loss threshold (Yeom et al. 2018)"}, {lossAttack});
    reg.add({"lira", "likelihood ratio over shadow models (LiRA, Carlini et al. 2022)"}, {liraAttack});
  });
  return r;
}

MembershipAuditResult auditMembership(TextClassifierImpl& target, const ExperimentSpec& spec, const PreparedData& data,
                                      const MembershipAuditOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto& attack = membershipAttackRegistry().at(o.method);
  // Members come from the real training examples (canaries, planted at the end, are audited separately).
  const long planted = long(data.canaries.size()) * spec.audit.canaryRepetitions;
  const long trainReal = data.train.size() - planted;
  const long m = std::min<long>({o.auditExamples, trainReal, data.test.size()});
  if (m < 10) throw InputError("audit.audit_examples", "the audit needs at least 10 training and 10 test examples");
  auto gen = at::make_generator<at::CPUGeneratorImpl>(spec.training.seed ^ 0xa0d17ULL);
  const auto trainOrder = torch::randperm(trainReal, gen, torch::kLong);
  const auto members = trainOrder.narrow(0, 0, m);
  const auto nonMembers = torch::randperm(data.test.size(), gen, torch::kLong).narrow(0, 0, m);
  const auto auditSet = concatRows(selectRows(data.train, members), selectRows(data.test, nonMembers));
  const auto population = concatRows(selectRows(data.train, trainOrder.narrow(0, m, trainReal - m)),
                                     selectRows(data.train, torch::arange(trainReal, data.train.size(), torch::kLong)));
  std::vector<bool> isMember(size_t(2 * m), false);
  std::fill(isMember.begin(), isMember.begin() + m, true);
  const auto device = parseDevice(spec.training.device);
  const auto targetScores = scoreExamples(target, auditSet, device);
  const auto attacked = attack.score({target, spec, data, auditSet, population, targetScores, o, gen, device});
  MembershipAuditResult r;
  r.shadows = attacked.shadows;
  if (o.sharing.shareOnly) return r;
  if (attacked.cancelled) {
    r.cancelled = true;
    return r;
  }
  if (attacked.scores.size() != isMember.size())
    throw InputError("method", "the '" + o.method + "' attack returned " + std::to_string(attacked.scores.size()) +
                                   " scores for " + std::to_string(isMember.size()) + " audit examples");
  r = membershipMetrics(attacked.scores, isMember, o.delta);
  r.method = attacked.label.empty() ? o.method : attacked.label;
  r.shadows = attacked.shadows;
  r.shadowsReused = attacked.shadowsReused;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::string rocFileName(const std::string& attack) { return "roc-" + attack + ".json"; }

std::string keptShadowsDir(const std::string& storePath, long long runId) {
  return auditArtifactPath(storePath, runId, "lira-shadows");
}

Audit membershipAudit() {
  Audit a;
  a.family = AuditFamily::Privacy;
  a.prefix = "audit/mia_{scope}/";
  a.metrics = [] {
    return std::vector<AuditMetricKey>{{"auc", "MIA AUC ({scope})", "", true},
                                       {"tpr_at_0.1pct_fpr", "TPR @ 0.1% FPR ({scope})", "", true},
                                       {"tpr_at_1pct_fpr", "TPR @ 1% FPR ({scope})", "", false},
                                       {"advantage", "membership advantage ({scope})", "", false},
                                       {"epsilon_lower_bound", "empirical ε ({scope})", kEpsilonUnit, false}};
  };
  a.argument.kind = AuditArgument::Choice;
  a.argument.help = membershipAttackRegistry().kind();
  a.argument.choices = [] { return membershipAttackRegistry().items(); };
  a.argument.defaultValue = [](const AuditedRun&) { return MembershipAuditOptions{}.method; };
  a.run = [](const AuditedRun& run, const AuditRequest& request) {
    auto o = optionsOr(request, membershipOptions(run.spec.audit, request.argument));
    o.method = request.argument;
    o.delta = run.spec.training.privacy.delta;
    if (request.progress) o.progress = request.progress;
    if (request.stop) o.stop = request.stop;
    const auto r = auditMembership(*run.model, run.spec, run.data, o);
    AuditOutcome out;
    out.cancelled = r.cancelled;
    if (r.cancelled) return out;
    out.scope = o.method;
    out.metrics = {{"auc", r.auc},
                   {"tpr_at_0.1pct_fpr", r.tprAt01Pct},
                   {"tpr_at_1pct_fpr", r.tprAt1Pct},
                   {"advantage", r.advantage},
                   {"epsilon_lower_bound", r.epsilon.lowerBound}};
    out.tags["audit.mia_" + o.method] = r.method + (r.shadows ? ", " + std::to_string(r.shadows) + " shadows" : "");
    out.summary = describeMembership(r);
    out.json = membershipJson(r, false);
    out.files[rocFileName(o.method)] = membershipJson(r, true);
    out.report = r;
    return out;
  };
  return a;
}

}  // namespace trustlab
