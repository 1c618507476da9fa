#include "experiment/experiment_spec.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "data/loaders/json_file.h"
#include "util/errors.h"
#include "util/sha256.h"
#include "util/text.h"

namespace trustlab {
namespace {

using nlohmann::json;

json toJsonObject(const ExperimentSpec& s) {
  const auto& d = s.data;
  const auto& m = s.model;
  const auto& t = s.training;
  const auto& a = s.audit;
  const auto& f = s.federated;
  return json{
      {"name", s.name},
      {"data",
       {{"dataset", d.dataset}, {"format", d.format}, {"text_column", d.columns.text},
        {"label_column", d.columns.label}, {"lowercase", d.tokenizer.lowercase},
        {"min_frequency", d.tokenizer.minFrequency}, {"max_vocab", d.tokenizer.maxSize},
        {"max_length", d.tokenizer.maxLength}, {"cda", d.cda}}},
      {"model",
       {{"type", m.type}, {"embedding_dim", m.embeddingDim}, {"hidden_size", m.hiddenSize},
        {"layers", m.layers}, {"heads", m.heads}, {"ffn_dim", m.ffnDim}, {"dropout", m.dropout}}},
      {"training",
       {{"optimizer", t.optimizer}, {"lr", t.lr}, {"weight_decay", t.weightDecay},
        {"momentum", t.momentum}, {"schedule", t.schedule}, {"warmup_steps", t.warmupSteps},
        {"epochs", t.epochs}, {"max_steps", t.maxSteps}, {"batch_size", t.batchSize},
        {"eval_every", t.evalEvery}, {"log_every", t.logEvery},
        {"early_stopping_patience", t.earlyStoppingPatience}, {"restore_best", t.restoreBest},
        {"grad_clip", t.gradClipNorm},
        {"seed", t.seed}, {"device", t.device}, {"threads", t.threads}}},
      {"privacy",
       {{"mode", t.privacy.mode}, {"target_epsilon", t.privacy.targetEpsilon},
        {"noise_multiplier", t.privacy.noiseMultiplier}, {"delta", t.privacy.delta}, {"clip", t.privacy.clipNorm},
        {"clipping", t.privacy.clipping}, {"sampling", t.privacy.sampling},
        {"accountant", t.privacy.accountant}, {"secure", t.privacy.secure},
        {"max_physical_batch", t.privacy.maxPhysicalBatch}, {"adaptive_clipping", t.privacy.adaptiveClipping},
        {"target_quantile", t.privacy.targetQuantile}, {"clip_learning_rate", t.privacy.clipLearningRate},
        {"count_noise_multiplier", t.privacy.countNoiseMultiplier}}},
      {"audit",
       {{"canaries", a.canaries}, {"canary_repetitions", a.canaryRepetitions}, {"canary_prefix", a.canaryPrefix},
        {"canary_length", a.canaryLength}, {"canary_alphabet", a.canaryAlphabet}, {"canary_intent", a.canaryIntent},
        {"mia", a.mia}, {"shadows", a.shadows}, {"audit_examples", a.auditExamples}}},
      {"federated",
       {{"enabled", f.enabled}, {"partition", f.partition}, {"alpha", f.alpha}, {"quantity_sigma", f.quantitySigma},
        {"clusters", f.clusters}, {"clients", f.clients},
        {"selection", f.selection}, {"aggregation", f.aggregation}, {"rounds", f.rounds},
        {"clients_per_round", f.clientsPerRound}, {"local_epochs", f.localEpochs},
        {"local_batch_size", f.localBatchSize}, {"local_lr", f.localLr}, {"algorithm", f.algorithm}, {"mu", f.mu},
        {"server_lr", f.serverLr}, {"beta1", f.beta1}, {"beta2", f.beta2}, {"tau", f.tau},
        {"eval_every", f.evalEvery}, {"periods", f.periods}, {"buffer_periods", f.bufferPeriods},
        {"over_selection", f.overSelection}, {"deadline_seconds", f.deadlineSeconds}, {"speed_sigma", f.speedSigma},
        {"availability", f.availability}, {"examples_per_second", f.examplesPerSecond},
        {"upload_seconds", f.uploadSeconds}, {"user_dp", f.userDp}, {"user_clip", f.userClip}, {"activity_cap", f.activityCap},
        {"user_noise_multiplier", f.userNoiseMultiplier}, {"user_target_epsilon", f.userTargetEpsilon},
        {"secure_aggregation", f.secureAggregation}, {"user_adaptive_clip", f.userAdaptiveClip},
        {"user_target_quantile", f.userTargetQuantile}, {"user_clip_lr", f.userClipLr}, {"processes", f.processes}}}};
}

/// Reads `obj[key]` into `out` if present, checking the JSON type.
template <typename T>
void read(const json& obj, const std::string& section, const char* key, T& out, const std::string& where) {
  if (!obj.contains(key)) return;
  const auto& v = obj[key];
  const std::string field = section + "." + key;
  bool ok;
  if constexpr (std::is_same_v<T, bool>) ok = v.is_boolean();
  else if constexpr (std::is_same_v<T, std::string>) ok = v.is_string();
  else if constexpr (std::is_floating_point_v<T>) ok = v.is_number();
  else ok = v.is_number_integer() && !(std::is_unsigned_v<T> && v.get<long long>() < 0);
  if (!ok) throw InputError(where, "wrong type: " + std::string(v.type_name()), 0, field);
  out = v.get<T>();
}

void rejectUnknown(const json& obj, const std::string& section, std::initializer_list<const char*> known,
                   const std::string& where) {
  for (const auto& [k, v] : obj.items()) {
    bool found = false;
    for (const char* n : known) found = found || k == n;
    if (!found) throw InputError(where, "unknown field", 0, section.empty() ? k : section + "." + k);
  }
}

const json& section(const json& root, const char* name, const std::string& where) {
  static const json empty = json::object();
  if (!root.contains(name)) return empty;
  if (!root[name].is_object()) throw InputError(where, "expected an object", 0, name);
  return root[name];
}

bool oneOf(const std::string& v, std::initializer_list<const char*> options) {
  for (const char* o : options)
    if (v == o) return true;
  return false;
}

}  // namespace

std::string ExperimentSpec::toJson(int indent) const { return toJsonObject(*this).dump(indent); }

ExperimentSpec ExperimentSpec::fromJson(const std::string& text, const std::string& where) {
  const json root = parseJsonText(sanitizeUtf8(text), where);
  if (!root.is_object()) throw InputError(where, "a spec must be a JSON object");
  rejectUnknown(root, "", {"name", "data", "model", "training", "privacy", "audit", "federated"}, where);
  ExperimentSpec s;
  read(root, "", "name", s.name, where);
  const auto& d = section(root, "data", where);
  rejectUnknown(d, "data", {"dataset", "format", "text_column", "label_column", "lowercase",
                            "min_frequency", "max_vocab", "max_length", "cda"}, where);
  read(d, "data", "dataset", s.data.dataset, where);
  read(d, "data", "format", s.data.format, where);
  read(d, "data", "text_column", s.data.columns.text, where);
  read(d, "data", "label_column", s.data.columns.label, where);
  read(d, "data", "lowercase", s.data.tokenizer.lowercase, where);
  read(d, "data", "min_frequency", s.data.tokenizer.minFrequency, where);
  read(d, "data", "max_vocab", s.data.tokenizer.maxSize, where);
  read(d, "data", "max_length", s.data.tokenizer.maxLength, where);
  read(d, "data", "cda", s.data.cda, where);
  const auto& m = section(root, "model", where);
  rejectUnknown(m, "model", {"type", "embedding_dim", "hidden_size", "layers", "heads", "ffn_dim", "dropout"}, where);
  read(m, "model", "type", s.model.type, where);
  read(m, "model", "embedding_dim", s.model.embeddingDim, where);
  read(m, "model", "hidden_size", s.model.hiddenSize, where);
  read(m, "model", "layers", s.model.layers, where);
  read(m, "model", "heads", s.model.heads, where);
  read(m, "model", "ffn_dim", s.model.ffnDim, where);
  read(m, "model", "dropout", s.model.dropout, where);
  const auto& t = section(root, "training", where);
  rejectUnknown(t, "training", {"optimizer", "lr", "weight_decay", "momentum", "schedule", "warmup_steps",
                                "epochs", "max_steps", "batch_size", "eval_every", "log_every",
                                "early_stopping_patience", "restore_best", "grad_clip", "seed", "device", "threads"},
                where);
  auto& tr = s.training;
  read(t, "training", "optimizer", tr.optimizer, where);
  read(t, "training", "lr", tr.lr, where);
  read(t, "training", "weight_decay", tr.weightDecay, where);
  read(t, "training", "momentum", tr.momentum, where);
  read(t, "training", "schedule", tr.schedule, where);
  read(t, "training", "warmup_steps", tr.warmupSteps, where);
  read(t, "training", "epochs", tr.epochs, where);
  read(t, "training", "max_steps", tr.maxSteps, where);
  read(t, "training", "batch_size", tr.batchSize, where);
  read(t, "training", "eval_every", tr.evalEvery, where);
  read(t, "training", "log_every", tr.logEvery, where);
  read(t, "training", "early_stopping_patience", tr.earlyStoppingPatience, where);
  read(t, "training", "restore_best", tr.restoreBest, where);
  read(t, "training", "grad_clip", tr.gradClipNorm, where);
  read(t, "training", "seed", tr.seed, where);
  read(t, "training", "device", tr.device, where);
  read(t, "training", "threads", tr.threads, where);
  const auto& p = section(root, "privacy", where);
  rejectUnknown(p, "privacy", {"mode", "target_epsilon", "noise_multiplier", "delta", "clip", "clipping",
                               "sampling", "accountant", "secure", "max_physical_batch", "adaptive_clipping",
                               "target_quantile", "clip_learning_rate", "count_noise_multiplier"}, where);
  auto& pr = tr.privacy;
  read(p, "privacy", "mode", pr.mode, where);
  read(p, "privacy", "target_epsilon", pr.targetEpsilon, where);
  read(p, "privacy", "noise_multiplier", pr.noiseMultiplier, where);
  read(p, "privacy", "delta", pr.delta, where);
  read(p, "privacy", "clip", pr.clipNorm, where);
  read(p, "privacy", "clipping", pr.clipping, where);
  read(p, "privacy", "sampling", pr.sampling, where);
  read(p, "privacy", "accountant", pr.accountant, where);
  read(p, "privacy", "secure", pr.secure, where);
  read(p, "privacy", "max_physical_batch", pr.maxPhysicalBatch, where);
  read(p, "privacy", "adaptive_clipping", pr.adaptiveClipping, where);
  read(p, "privacy", "target_quantile", pr.targetQuantile, where);
  read(p, "privacy", "clip_learning_rate", pr.clipLearningRate, where);
  read(p, "privacy", "count_noise_multiplier", pr.countNoiseMultiplier, where);
  const auto& au = section(root, "audit", where);
  rejectUnknown(au, "audit", {"canaries", "canary_repetitions", "canary_prefix", "canary_length", "canary_alphabet",
                              "canary_intent", "mia", "shadows", "audit_examples"}, where);
  auto& ac = s.audit;
  read(au, "audit", "canaries", ac.canaries, where);
  read(au, "audit", "canary_repetitions", ac.canaryRepetitions, where);
  read(au, "audit", "canary_prefix", ac.canaryPrefix, where);
  read(au, "audit", "canary_length", ac.canaryLength, where);
  read(au, "audit", "canary_alphabet", ac.canaryAlphabet, where);
  read(au, "audit", "canary_intent", ac.canaryIntent, where);
  read(au, "audit", "mia", ac.mia, where);
  read(au, "audit", "shadows", ac.shadows, where);
  read(au, "audit", "audit_examples", ac.auditExamples, where);
  const auto& fe = section(root, "federated", where);
  rejectUnknown(fe, "federated", {"enabled", "partition", "alpha", "quantity_sigma", "clusters", "clients", "selection", "aggregation", "rounds",
                                  "clients_per_round", "local_epochs", "local_batch_size", "local_lr", "algorithm",
                                  "mu", "server_lr", "beta1", "beta2", "tau", "eval_every", "periods", "buffer_periods",
                                  "over_selection", "deadline_seconds", "speed_sigma", "availability",
                                  "examples_per_second", "upload_seconds", "user_dp", "user_clip", "activity_cap",
                                  "user_noise_multiplier", "user_target_epsilon", "secure_aggregation",
                                  "user_adaptive_clip", "user_target_quantile", "user_clip_lr", "processes"}, where);
  auto& fc = s.federated;
  read(fe, "federated", "enabled", fc.enabled, where);
  read(fe, "federated", "partition", fc.partition, where);
  read(fe, "federated", "alpha", fc.alpha, where);
  read(fe, "federated", "quantity_sigma", fc.quantitySigma, where);
  read(fe, "federated", "clusters", fc.clusters, where);
  read(fe, "federated", "clients", fc.clients, where);
  read(fe, "federated", "selection", fc.selection, where);
  read(fe, "federated", "aggregation", fc.aggregation, where);
  read(fe, "federated", "rounds", fc.rounds, where);
  read(fe, "federated", "clients_per_round", fc.clientsPerRound, where);
  read(fe, "federated", "local_epochs", fc.localEpochs, where);
  read(fe, "federated", "local_batch_size", fc.localBatchSize, where);
  read(fe, "federated", "local_lr", fc.localLr, where);
  read(fe, "federated", "algorithm", fc.algorithm, where);
  read(fe, "federated", "mu", fc.mu, where);
  read(fe, "federated", "server_lr", fc.serverLr, where);
  read(fe, "federated", "beta1", fc.beta1, where);
  read(fe, "federated", "beta2", fc.beta2, where);
  read(fe, "federated", "tau", fc.tau, where);
  read(fe, "federated", "eval_every", fc.evalEvery, where);
  read(fe, "federated", "periods", fc.periods, where);
  read(fe, "federated", "buffer_periods", fc.bufferPeriods, where);
  read(fe, "federated", "over_selection", fc.overSelection, where);
  read(fe, "federated", "deadline_seconds", fc.deadlineSeconds, where);
  read(fe, "federated", "speed_sigma", fc.speedSigma, where);
  read(fe, "federated", "availability", fc.availability, where);
  read(fe, "federated", "examples_per_second", fc.examplesPerSecond, where);
  read(fe, "federated", "upload_seconds", fc.uploadSeconds, where);
  read(fe, "federated", "user_dp", fc.userDp, where);
  read(fe, "federated", "activity_cap", fc.activityCap, where);
  read(fe, "federated", "user_clip", fc.userClip, where);
  read(fe, "federated", "user_noise_multiplier", fc.userNoiseMultiplier, where);
  read(fe, "federated", "user_target_epsilon", fc.userTargetEpsilon, where);
  read(fe, "federated", "secure_aggregation", fc.secureAggregation, where);
  read(fe, "federated", "user_adaptive_clip", fc.userAdaptiveClip, where);
  read(fe, "federated", "user_target_quantile", fc.userTargetQuantile, where);
  read(fe, "federated", "processes", fc.processes, where);
  read(fe, "federated", "user_clip_lr", fc.userClipLr, where);
  return s;
}

ExperimentSpec ExperimentSpec::fromFile(const std::string& path) { return fromJson(readFile(path), path); }

std::vector<SpecIssue> ExperimentSpec::validate() const {
  std::vector<SpecIssue> issues;
  auto check = [&](bool ok, const char* field, const std::string& message) {
    if (!ok) issues.push_back({field, message});
  };
  check(!data.dataset.empty(), "data.dataset", "choose a dataset name or path");
  check(data.tokenizer.maxLength >= 1 && data.tokenizer.maxLength <= 1024, "data.max_length", "must be in 1..1024");
  check(data.tokenizer.maxSize >= 3, "data.max_vocab", "must be at least 3");
  check(data.tokenizer.minFrequency >= 1, "data.min_frequency", "must be at least 1");
  check(oneOf(model.type, {"bag", "bilstm", "transformer"}), "model.type", "must be bag, bilstm or transformer");
  check(model.embeddingDim >= 1 && model.embeddingDim <= 4096, "model.embedding_dim", "must be in 1..4096");
  check(model.hiddenSize >= 1 && model.hiddenSize <= 4096, "model.hidden_size", "must be in 1..4096");
  check(model.layers >= 0 && model.layers <= 24, "model.layers", "must be in 0..24 (0 = model default)");
  check(model.heads >= 1, "model.heads", "must be at least 1");
  check(model.type != "transformer" || (model.heads >= 1 && model.embeddingDim % model.heads == 0), "model.heads",
        "embedding_dim must be divisible by heads");
  check(model.ffnDim >= 1, "model.ffn_dim", "must be at least 1");
  check(model.dropout >= 0 && model.dropout < 1, "model.dropout", "must be in [0, 1)");
  check(oneOf(training.optimizer, {"sgd", "adam", "adamw"}), "training.optimizer", "must be sgd, adam or adamw");
  check(std::isfinite(training.lr) && training.lr > 0 && training.lr <= 10, "training.lr", "must be in (0, 10]");
  check(std::isfinite(training.weightDecay) && training.weightDecay >= 0, "training.weight_decay", "must be ≥ 0");
  check(training.momentum >= 0 && training.momentum < 1, "training.momentum", "must be in [0, 1)");
  check(oneOf(training.schedule, {"constant", "linear", "cosine"}), "training.schedule",
        "must be constant, linear or cosine");
  check(training.warmupSteps >= 0, "training.warmup_steps", "must be ≥ 0");
  check(training.epochs >= 1 || training.maxSteps > 0, "training.epochs", "must be ≥ 1 (or set max_steps)");
  check(training.maxSteps >= 0, "training.max_steps", "must be ≥ 0");
  check(training.batchSize >= 1 && training.batchSize <= 65536, "training.batch_size", "must be in 1..65536");
  check(training.evalEvery >= 0, "training.eval_every", "must be ≥ 0");
  check(training.logEvery >= 1, "training.log_every", "must be ≥ 1");
  check(training.earlyStoppingPatience >= 0, "training.early_stopping_patience", "must be ≥ 0");
  check(training.gradClipNorm >= 0, "training.grad_clip", "must be ≥ 0");
  check(training.device == "cpu" || training.device.rfind("cuda", 0) == 0, "training.device", "must be cpu or cuda[:N]");
  check(training.threads >= 0, "training.threads", "must be ≥ 0 (0 = all hardware threads)");
  const auto& p = training.privacy;
  check(oneOf(p.mode, {"off", "edp", "naive"}), "privacy.mode", "must be off, edp or naive");
  check(std::isfinite(p.targetEpsilon) && p.targetEpsilon >= 0, "privacy.target_epsilon", "must be ≥ 0 (0 = use noise_multiplier)");
  check(std::isfinite(p.noiseMultiplier) && p.noiseMultiplier >= 0, "privacy.noise_multiplier", "must be ≥ 0");
  check(std::isfinite(p.delta) && p.delta > 0 && p.delta < 1, "privacy.delta", "must be in (0, 1)");
  check(std::isfinite(p.clipNorm) && p.clipNorm > 0, "privacy.clip", "must be > 0");
  check(oneOf(p.sampling, {"poisson", "shuffle"}), "privacy.sampling", "must be poisson or shuffle");
  check(oneOf(p.clipping, {"flat", "per_layer", "auto"}), "privacy.clipping", "must be flat, per_layer or auto");
  check(oneOf(p.accountant, {"rdp", "prv", "gdp"}), "privacy.accountant", "must be rdp, prv or gdp");
  check(p.maxPhysicalBatch >= 1, "privacy.max_physical_batch", "must be ≥ 1");
  check(p.targetQuantile > 0 && p.targetQuantile < 1, "privacy.target_quantile", "must be in (0, 1)");
  check(std::isfinite(p.clipLearningRate) && p.clipLearningRate >= 0, "privacy.clip_learning_rate", "must be ≥ 0");
  check(std::isfinite(p.countNoiseMultiplier) && p.countNoiseMultiplier >= 0, "privacy.count_noise_multiplier",
        "must be ≥ 0 (0 = expected batch / 20)");
  const auto& a = audit;
  check(a.canaries >= 0 && a.canaries <= 1000, "audit.canaries", "must be in 0..1000");
  check(a.canaryRepetitions >= 1, "audit.canary_repetitions", "must be ≥ 1");
  check(a.canaryLength >= 1 && a.canaryLength <= 16, "audit.canary_length", "must be in 1..16");
  check(oneOf(a.canaryAlphabet, {"digits", "letters"}), "audit.canary_alphabet", "must be digits or letters");
  check(oneOf(a.mia, {"none", "loss", "lira"}), "audit.mia", "must be none, loss or lira");
  check(a.shadows >= 2 && a.shadows <= 256, "audit.shadows", "must be in 2..256");
  check(a.auditExamples >= 10, "audit.audit_examples", "must be ≥ 10");
  check(!data.cda || !training.privacy.enabled(), "data.cda",
        "counterfactual copies would be separate examples to the DP accountant (a silent ε understatement): "
        "use CDA without DP");
  const auto& f = federated;
  check(oneOf(f.partition, {"iid", "natural", "dirichlet", "quantity", "lognormal", "clusters"}), "federated.partition",
        "must be iid, natural, dirichlet, quantity, lognormal or clusters");
  check(std::isfinite(f.alpha) && f.alpha > 0, "federated.alpha", "must be > 0");
  check(std::isfinite(f.quantitySigma) && f.quantitySigma >= 0, "federated.quantity_sigma", "must be ≥ 0");
  check(f.clusters >= 2 && f.clusters <= 1000, "federated.clusters", "must be in 2..1000");
  check(f.clients >= 1, "federated.clients", "must be ≥ 1");
  check(oneOf(f.selection, {"uniform", "activity"}), "federated.selection", "must be uniform or activity");
  check(oneOf(f.aggregation, {"samples", "equal"}), "federated.aggregation", "must be samples or equal");
  check(f.rounds >= 1, "federated.rounds", "must be ≥ 1");
  check(f.clientsPerRound >= 1, "federated.clients_per_round", "must be ≥ 1");
  check(f.localEpochs >= 1, "federated.local_epochs", "must be ≥ 1");
  check(f.localBatchSize >= 1, "federated.local_batch_size", "must be ≥ 1");
  check(std::isfinite(f.localLr) && f.localLr > 0, "federated.local_lr", "must be > 0");
  check(oneOf(f.algorithm, {"fedavg", "fedprox", "fedadam", "fedyogi", "fedadagrad"}), "federated.algorithm",
        "must be fedavg, fedprox, fedadam, fedyogi or fedadagrad");
  check(std::isfinite(f.mu) && f.mu >= 0, "federated.mu", "must be ≥ 0");
  check(std::isfinite(f.serverLr) && f.serverLr > 0, "federated.server_lr", "must be > 0");
  check(f.beta1 >= 0 && f.beta1 < 1 && f.beta2 >= 0 && f.beta2 < 1, "federated.beta1", "β1 and β2 must be in [0, 1)");
  check(std::isfinite(f.tau) && f.tau > 0, "federated.tau", "must be > 0");
  check(f.evalEvery >= 1, "federated.eval_every", "must be ≥ 1");
  check(f.periods >= 1 && f.periods <= f.rounds, "federated.periods", "must be in 1..rounds");
  check(f.bufferPeriods >= 1, "federated.buffer_periods", "must be ≥ 1");
  check(std::isfinite(f.overSelection) && f.overSelection >= 0 && f.overSelection <= 10, "federated.over_selection",
        "must be in [0, 10]");
  check(std::isfinite(f.deadlineSeconds) && f.deadlineSeconds >= 0, "federated.deadline_seconds", "must be ≥ 0 (0 = none)");
  check(std::isfinite(f.speedSigma) && f.speedSigma >= 0, "federated.speed_sigma", "must be ≥ 0");
  check(f.availability > 0 && f.availability <= 1, "federated.availability", "must be in (0, 1]");
  check(std::isfinite(f.examplesPerSecond) && f.examplesPerSecond > 0, "federated.examples_per_second", "must be > 0");
  check(std::isfinite(f.uploadSeconds) && f.uploadSeconds >= 0, "federated.upload_seconds", "must be ≥ 0");
  check(std::isfinite(f.userClip) && f.userClip > 0, "federated.user_clip", "must be > 0");
  check(std::isfinite(f.userNoiseMultiplier) && f.userNoiseMultiplier >= 0, "federated.user_noise_multiplier", "must be ≥ 0");
  check(std::isfinite(f.userTargetEpsilon) && f.userTargetEpsilon >= 0, "federated.user_target_epsilon",
        "must be ≥ 0 (0 = use user_noise_multiplier)");
  check(f.userTargetQuantile > 0 && f.userTargetQuantile < 1, "federated.user_target_quantile", "must be in (0, 1)");
  check(std::isfinite(f.userClipLr) && f.userClipLr >= 0, "federated.user_clip_lr", "must be ≥ 0");
  check(!f.userAdaptiveClip || f.userDp, "federated.user_adaptive_clip", "needs user_dp");
  check(!f.userDp || f.aggregation == "equal", "federated.user_dp",
        "user-level DP needs equal aggregation weights (the clip bounds each client's share)");
  check(std::isfinite(f.activityCap) && f.activityCap >= 0, "federated.activity_cap", "must be ≥ 0");
  check(f.processes >= 1 && f.processes <= 256, "federated.processes", "must be in 1..256");
  check(f.processes == 1 || !f.secureAggregation, "federated.processes",
        "secure aggregation is simulated in one process only: set processes to 1");
  check(!f.enabled || !training.privacy.enabled() || training.privacy.targetEpsilon <= 0, "privacy.target_epsilon",
        "federated clients take privacy.noise_multiplier (each client's ε depends on its size and participation "
        "and is reported); set target_epsilon to 0");
  return issues;
}

void ExperimentSpec::requireValid(const std::string& where) const {
  const auto issues = validate();
  if (!issues.empty()) throw InputError(where, issues.front().message, 0, issues.front().field);
}

std::string ExperimentSpec::sha256() const { return sha256Hex(toJson(-1)); }

}  // namespace trustlab
