#include "experiment/membership_audit.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>

#include "attacks/membership_scores.h"
#include "models/model_factory.h"
#include "training/trainer.h"
#include "util/errors.h"
#include "util/runtime.h"

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

MembershipAuditResult auditMembership(TextClassifierImpl& target, const ExperimentSpec& spec, const PreparedData& data,
                                      const MembershipAuditOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.method != "loss" && o.method != "lira") throw InputError("membership audit", "must be loss or lira", 0, "method");
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
  std::vector<bool> isMember(size_t(2 * m), false);
  std::fill(isMember.begin(), isMember.begin() + m, true);
  const auto device = parseDevice(spec.training.device);
  const auto targetScores = scoreExamples(target, auditSet, device);

  MembershipAuditResult r;
  std::vector<double> scores;
  if (o.method == "loss") {
    for (double l : targetScores.loss) scores.push_back(-l);  // Yeom et al.: low loss = member
  } else {
    // Every training example outside the audit set is in every shadow; each audit example is in
    // exactly half of them, so IN and OUT fits see the same number of models on average.
    const auto rest = concatRows(selectRows(data.train, trainOrder.narrow(0, m, trainReal - m)),
                                 selectRows(data.train, torch::arange(trainReal, data.train.size(), torch::kLong)));
    std::vector<std::vector<double>> shadowScores;
    std::vector<std::vector<bool>> in;
    for (int k = 0; k < o.shadows; ++k) {
      if (o.progress) o.progress("LiRA: training shadow " + std::to_string(k + 1) + " of " + std::to_string(o.shadows));
      const auto order = torch::randperm(2 * m, gen, torch::kLong);
      const auto inIdx = order.narrow(0, 0, m);
      std::vector<bool> mask(size_t(2 * m), false);
      const auto inRows = inIdx.accessor<int64_t, 1>();
      for (long i = 0; i < m; ++i) mask[size_t(inRows[i])] = true;
      TrainConfig shadowTraining = spec.training;
      shadowTraining.seed = spec.training.seed + 7919 * uint64_t(k + 1);
      torch::manual_seed(shadowTraining.seed);
      auto shadow = makeClassifier(spec.model, long(data.vocabulary.size()), long(data.labelIndex.size()),
                                   long(spec.data.tokenizer.maxLength));
      Trainer trainer(shadow, shadowTraining);
      if (trainer.fit(concatRows(rest, selectRows(auditSet, inIdx)), data.valid, o.stop).cancelled) {
        r.cancelled = true;
        return r;
      }
      shadowScores.push_back(scoreExamples(*shadow, auditSet, device).confidence);
      in.push_back(std::move(mask));
    }
    scores = liraScores(targetScores.confidence, shadowScores, in, o.lira);
  }
  r = membershipMetrics(scores, isMember, o.delta);
  r.method = o.method == "loss" ? "loss" : std::string("lira-") + (o.lira.online ? "online" : "offline") +
                                               (o.lira.fixedVariance ? "-fixed" : "");
  r.shadows = o.method == "lira" ? o.shadows : 0;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace trustlab
