#include "audits/gradient_canary_audit.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "layers/tracked_layers.h"
#include "models/model_factory.h"
#include "training/trainer.h"
#include "util/errors.h"

namespace trustlab {
namespace {

/// The accountant's last word on the audited training.
class EpsilonObserver : public TrainingObserver {
 public:
  void onPrivacy(const PrivacyEvent& e) override { last = e; }
  PrivacyEvent last;
};

}  // namespace

GradientCanaryAuditResult auditGradientCanaries(const ExperimentSpec& spec, const PreparedData& data,
                                                const GradientCanaryAuditOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto& privacy = spec.training.privacy;
  if (!privacy.enabled()) throw InputError("training.privacy", "the white-box audit needs a private run (DP-SGD)");
  if (privacy.clipping == "per_layer")
    throw InputError("privacy.clipping", "the white-box audit covers flat and automatic clipping, not per_layer");
  if (privacy.targetEpsilon <= 0 && !(privacy.noiseMultiplier > 0))
    throw InputError("privacy.noise_multiplier", "is 0: the run adds no noise, its ε is infinite and there is no bound to audit");
  if (o.trainings < 0) throw InputError("audit.trainings", "at least one training (0: as many as the canaries need)");
  GradientCanaryAuditResult r;
  std::vector<double> scores;
  std::vector<bool> members;
  int trainings = o.trainings;
  for (int k = 0; k < std::max(trainings, 1); ++k) {
    TrainConfig training = spec.training;
    training.seed = spec.training.seed + 104729 * uint64_t(k + 1);  // fresh trainings of the design, not the run's noise
    torch::manual_seed(training.seed);
    auto model = makeClassifier(spec.model, long(data.vocabulary.size()), long(data.labelIndex.size()),
                                long(spec.data.tokenizer.maxLength));
    GradientCanaryOptions canaryOptions = o.canaries;
    canaryOptions.seed ^= training.seed;
    GradientCanaries canaries(trainableParameters(*model), canaryOptions);
    if (trainings == 0)  // as many trainings as the requested trials need, each giving canaries.count()
      trainings = int(std::clamp<long>((o.canaries.count + canaries.count() - 1) / canaries.count(), 1, 16));
    EpsilonObserver accountant;
    Trainer trainer(model, training);
    trainer.addObserver(&accountant);
    trainer.tapNoise(&canaries);
    if (o.progress)
      o.progress("white-box audit: training " + std::to_string(k + 1) + " of " + std::to_string(trainings) +
                 " with " + std::to_string(canaries.count()) + " gradient canaries");
    if (trainer.fit(data.train, EncodedSplit{}, o.stop).cancelled) {
      r.cancelled = true;
      return r;
    }
    const auto s = canaries.scores();
    scores.insert(scores.end(), s.begin(), s.end());
    members.insert(members.end(), canaries.isMember().begin(), canaries.isMember().end());
    r.theoreticalEpsilon = accountant.last.epsilon;
    r.noiseMultiplier = accountant.last.noiseMultiplier;
    r.sampleRate = accountant.last.sampleRate;
    r.steps = canaries.steps();
  }
  r.trainings = trainings;
  r.roc = rocCurve(scores, members);
  r.auc = rocAuc(r.roc);
  r.epsilon = empiricalEpsilon(r.roc, privacy.delta);
  r.delta = privacy.delta;
  r.canaries = long(scores.size());
  r.members = r.roc.members;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::string gradientCanaryJson(const GradientCanaryAuditResult& r, int indent) {
  return nlohmann::json{{"epsilon_lower_bound", r.epsilon.lowerBound},
                        {"theoretical_epsilon", r.theoreticalEpsilon},
                        {"delta", r.delta},
                        {"noise_multiplier", r.noiseMultiplier},
                        {"sample_rate", r.sampleRate},
                        {"steps", r.steps},
                        {"canaries", r.canaries},
                        {"trainings", r.trainings},
                        {"members", r.members},
                        {"auc", r.auc},
                        {"thresholds_tried", r.epsilon.thresholdsTried},
                        {"seconds", r.seconds}}
      .dump(indent);
}

std::string describeGradientCanaries(const GradientCanaryAuditResult& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "white-box audit, %ld gradient canaries in %d training(s) of %ld steps (σ = %.3f, q = %.4g): ε ≥ %.3f with 95%% "
                "confidence against the theoretical ε = %.3f at δ = %g; AUC %.3f (%.1f s)%s",
                r.canaries, r.trainings, r.steps, r.noiseMultiplier, r.sampleRate, r.epsilon.lowerBound,
                r.theoreticalEpsilon, r.delta, r.auc, r.seconds,
                r.epsilon.lowerBound > r.theoreticalEpsilon ? "\nPRIVACY BUG: the measured leakage exceeds the theoretical ε" : "");
  return buf;
}

Audit gradientCanaryAudit() {
  Audit a;
  a.family = AuditFamily::Privacy;
  a.prefix = "audit/gradient_canaries/";
  a.metrics = [] {
    return std::vector<AuditMetricKey>{{"epsilon_lower_bound", "white-box ε lower bound", kEpsilonUnit, true},
                                       {"auc", "gradient canary AUC", "", false}};
  };
  a.run = [](const AuditedRun& run, const AuditRequest& request) {
    auto options = optionsOr(request, GradientCanaryAuditOptions{});
    if (!options.progress) options.progress = request.progress;
    if (!options.stop) options.stop = request.stop;
    const auto r = auditGradientCanaries(run.spec, run.data, options);
    AuditOutcome out;
    out.cancelled = r.cancelled;
    if (r.cancelled) return out;
    out.metrics = {{"epsilon_lower_bound", r.epsilon.lowerBound}, {"auc", r.auc}};
    out.summary = describeGradientCanaries(r);
    out.json = gradientCanaryJson(r);
    out.report = r;
    return out;
  };
  return a;
}

}  // namespace trustlab
