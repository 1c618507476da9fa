#include "experiment/runner.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <nlohmann/json.hpp>

#include "data/batching.h"
#include "store/checkpoint.h"
#include "experiment/partition_preview.h"
#include "spec/prepared_data.h"
#include "spec/privacy_caveats.h"
#include "spec/run_name.h"
#include "spec/spec_warnings.h"
#include "store/run_tags.h"
#include "store/store_observer.h"
#include "training/auto_hyperparameters.h"
#include "training/training_state.h"
#include "util/errors.h"
#include "federated/federated_trainer.h"
#include "models/model_factory.h"
#include "privacy/dp_vocabulary.h"
#include "util/runtime.h"
#include "util/text.h"
#include "util/private_files.h"

namespace trustlab {
namespace {

void say(const RunOptions& o, const std::string& message) {
  for (auto* obs : o.observers) obs->onMessage(message);
}

std::map<std::string, std::string> flatParams(const ExperimentSpec& s, const Dataset& d, long vocab) {
  return {{"dataset", s.data.dataset}, {"dataset.train_examples", std::to_string(d.train.size())},
          {"dataset.classes", std::to_string(d.labels().size())}, {"vocab_size", std::to_string(vocab)},
          {"max_length", std::to_string(s.data.tokenizer.maxLength)}, {"model", s.model.type},
          {"embedding_dim", std::to_string(s.model.embeddingDim)}, {"objective", s.training.objective}, {"optimizer", s.training.optimizer},
          {"lr", std::to_string(s.training.lr)}, {"batch_size", std::to_string(s.training.batchSize)},
          {"epochs", std::to_string(s.training.epochs)}, {"seed", std::to_string(s.training.seed)},
          {"device", s.training.device}};
}

/// Where a run keeps the vocabulary it released with DP: a resumed secure run cannot draw the same
/// one again (nor should it spend a second release).
std::string privateVocabularyPath(const std::string& storePath, long long runId) {
  return runArtifactDir(storePath, runId) + "/vocabulary.txt";
}

/// What the DP vocabulary released (privacy/dp_vocabulary.h), said and, with a store, recorded.
void reportPrivateVocabulary(const ExperimentSpec& spec, const PreparedData& prepared, const RunOptions& o,
                             long long runId) {
  const auto& p = spec.training.privacy;
  const auto release = vocabularyRelease(p);
  if (!release) return;
  const double epsilon = computeEpsilon(p.accountant, {release->phase}, accountantDelta(p)).epsilon;
  say(o, "DP vocabulary: " + std::to_string(prepared.vocabulary.size()) + " tokens with a noisy count ≥ τ = " +
             formatNumber(release->threshold) + " (ε = " + formatNumber(epsilon) + " alone, δ_τ = " +
             formatNumber(release->thresholdDelta) + "; composed with training's)");
  if (!o.store) return;
  o.store->logParams(runId, {{"privacy.vocabulary_threshold_used", formatNumber(release->threshold, 8)},
                             {"privacy.vocabulary_threshold_delta", formatNumber(release->thresholdDelta, 8)},
                             {"privacy.vocabulary_epsilon", formatNumber(epsilon, 8)}});
  const auto path = privateVocabularyPath(o.store->path(), runId);
  createPrivateDirectories(std::filesystem::path(path).parent_path());
  createPrivateFile(path);
  prepared.vocabulary.save(path);
}

/// Data and vocabulary of `spec` (`vocabulary`: a saved one instead of a fresh one), said to the
/// observers; the outcome's sizes filled in.
PreparedData loadData(const ExperimentSpec& spec, const RunOptions& o, RunOutcome& out,
                      const Vocabulary* vocabulary = nullptr) {
  say(o, "loading dataset '" + spec.data.dataset + "'");
  PreparedData prepared = prepareData(spec, vocabulary);
  const Dataset& data = prepared.dataset;
  say(o, data.name + ": " + std::to_string(data.train.size()) + " train / " + std::to_string(data.valid.size()) +
             " valid / " + std::to_string(data.test.size()) + " test, " + std::to_string(prepared.labelIndex.size()) +
             " classes, vocabulary " + std::to_string(prepared.vocabulary.size()) +
             (prepared.canaries.empty() ? "" : ", " + std::to_string(prepared.canaries.size()) + " canaries planted"));
  out.vocabularySize = long(prepared.vocabulary.size());
  out.classes = long(prepared.labelIndex.size());
  out.trainExamples = long(data.train.size());
  return prepared;
}

/// What only the loaded data can show is wrong with `spec`: too few classes for its objective, or
/// more clients a round than a data-made partition (one client per user) holds. InputError naming
/// the field, before any run is recorded.
void checkDataFitsSpec(const ExperimentSpec& spec, const PreparedData& prepared) {
  const size_t need = objectiveRegistry().at(spec.training.objective).minTrainClasses;
  std::set<long> classes;
  for (long c : trainClasses(prepared)) classes.insert(c);
  if (classes.size() < need)
    throw InputError(spec.data.dataset,
                     "its training split has " + std::to_string(classes.size()) + " distinct label" +
                         (classes.size() == 1 ? " ('" + prepared.dataset.labels()[size_t(*classes.begin())] + "')" : "s") +
                         ": training.objective '" + spec.training.objective + "' needs at least " + std::to_string(need),
                     0, "label");
  const auto& f = spec.federated;
  const auto& reads = partitionerRegistry().at(f.partition).fields;
  if (!f.enabled || std::count(reads.begin(), reads.end(), "clients")) return;  // spec validation checked those
  const size_t clients = specPartition(spec, prepared).size();
  if (size_t(f.clientsPerRound) > clients)
    throw InputError(spec.data.dataset,
                     "the '" + f.partition + "' partition makes " + std::to_string(clients) + " clients, fewer than " +
                         "federated.clients_per_round (" + std::to_string(f.clientsPerRound) + ")",
                     0, "federated.clients_per_round");
}

/// Federated training; its clients are stored beside the run.
void trainFederated(const ExperimentSpec& spec, const PreparedData& prepared, ObjectivePtr objective,
                    const RunOptions& o, StoreObserver* storeObserver, RunOutcome& out,
                    std::unique_ptr<FederatedTrainer>& federated) {
  federated = std::make_unique<FederatedTrainer>(std::move(objective), spec.training, spec.federated, out.runId);
  if (o.rendezvous) federated->setRendezvous(*o.rendezvous);
  if (storeObserver) federated->addObserver(storeObserver);
  for (auto* obs : o.observers) federated->addObserver(obs);
  const auto partition = specPartition(spec, prepared);
  const auto stats = partitionStats(partition, trainClasses(prepared));
  say(o, "federated: " + std::to_string(partition.size()) + " clients (" + spec.federated.partition +
             "), size Gini " + std::to_string(stats.giniOfSizes) + ", mean label entropy " +
             std::to_string(stats.meanEntropy) + " bits");
  if (o.store)
    o.store->logParams(out.runId, {{"federated.clients", std::to_string(partition.size())},
                                   {"federated.size_gini", std::to_string(stats.giniOfSizes)},
                                   {"federated.mean_label_entropy", std::to_string(stats.meanEntropy)}});
  const auto r = federated->fit(prepared.train, partition, prepared.valid, o.stop);
  out.training.cancelled = r.cancelled;
  out.training.steps = r.rounds;
  out.training.seconds = r.seconds;
  out.simulatedSeconds = r.simulatedSeconds;
  out.training.noiseMultiplier = r.noiseMultiplier;
  if (!o.store) return;
  const auto path = federatedArtifactPath(o.store->path(), out.runId);
  createPrivateDirectories(std::filesystem::path(path).parent_path());
  std::vector<long> sizes;
  for (const auto& c : partition) sizes.push_back(long(c.size()));
  std::ofstream(path) << nlohmann::json{{"sizes", sizes}, {"labels_per_client", stats.labelCount},
                                        {"participation", r.participation}}
                             .dump();
  if (spec.federated.userDp)
    o.store->logParams(out.runId, {{"federated.user_noise_multiplier", std::to_string(r.noiseMultiplier)}});
  if (spec.training.privacy.enabled())
    o.store->logParams(out.runId, {{"federated.example_noise_multiplier", std::to_string(spec.training.privacy.noiseMultiplier)}});
}

/// The metrics every objective shares, as the outcome keeps them (0 where it has none).
EvalResult commonMetrics(const EvalMetrics& metrics, long examples) {
  EvalResult r;
  r.examples = examples;
  for (const auto& [key, value] : metrics) {
    if (key == "loss") r.loss = value;
    if (key == "accuracy") r.accuracy = value;
    if (key == "macro_f1") r.macroF1 = value;
  }
  return r;
}

/// Trains the objective's model (fresh, or from the state at `resumePath`), evaluates it, saves a
/// classifier's checkpoint and finishes its record; a failure is recorded as "failed" and rethrown.
RunOutcome trainAndFinish(const ExperimentSpec& spec, const PreparedData& prepared, const ObjectivePtr& objective,
                          const RunOptions& o, RunOutcome out, const std::string& resumePath) {
  const TextClassifierPtr model = objective->classifier();  // the centralised trainer's (validated by the spec)
  std::unique_ptr<StoreObserver> storeObserver;
  if (o.store) storeObserver = std::make_unique<StoreObserver>(*o.store, out.runId);
  const bool keepsState = o.store && o.saveCheckpoint;
  const std::string statePath = keepsState ? resumeStatePath(o.store->path(), out.runId) : "";
  try {
    // Centralised or federated training; afterwards both look the same: their events (device,
    // observers) take the final metrics at the last step (a round for federated runs).
    const RunEvents* events = nullptr;
    std::unique_ptr<Trainer> trainer;
    std::unique_ptr<FederatedTrainer> federated;
    if (spec.federated.enabled) {
      trainFederated(spec, prepared, objective, o, storeObserver.get(), out, federated);
      events = &federated->events();
    } else {
      trainer = std::make_unique<Trainer>(model, spec.training, out.runId);
      if (storeObserver) trainer->addObserver(storeObserver.get());
      for (auto* obs : o.observers) trainer->addObserver(obs);
      if (keepsState) trainer->checkpointTo(statePath, o.checkpointEvery, [&] { storeObserver->flush(); });
      if (!resumePath.empty()) trainer->resumeFrom(resumePath);
      out.training = trainer->fit(prepared.train, prepared.valid, o.stop);
      events = &trainer->events();
    }
    out.status = out.training.cancelled ? "killed" : "finished";
    const long evalBatch = std::max<long>(spec.training.batchSize, 256);
    const long step = out.training.steps;
    out.valid = commonMetrics(objective->evaluate(prepared.valid, evalBatch, events->device()), prepared.valid.size());
    if (!out.training.cancelled) {
      out.testMetrics = objective->evaluate(prepared.test, evalBatch, events->device());
      out.test = commonMetrics(out.testMetrics, prepared.test.size());
      for (const auto& [key, value] : out.testMetrics) events->metric("test/" + key, step, value);
      events->metric("time/seconds", step, out.training.seconds);
    }
    if (storeObserver) storeObserver->flush();
    if (keepsState && model && !out.training.cancelled) {
      out.checkpointDir = runArtifactDir(o.store->path(), out.runId);
      saveCheckpoint(out.checkpointDir, Checkpoint{spec, prepared.vocabulary, prepared.dataset.labels(), model});
      o.store->setTag(out.runId, "checkpoint", std::filesystem::absolute(out.checkpointDir).string());
      std::filesystem::remove(statePath);  // finished: nothing left to resume
    }
    if (o.store && spec.training.privacy.enabled())
      o.store->logParams(out.runId, {{"privacy.noise_multiplier", std::to_string(out.training.noiseMultiplier)}});
    if (o.store) o.store->finishRun(out.runId, out.status, out.training.cancelled ? "stopped by user" : "");
  } catch (const std::exception& e) {
    if (o.store) {
      try {
        if (storeObserver) storeObserver->flush();
        o.store->finishRun(out.runId, "failed", e.what());
      } catch (...) {
        // The store itself failed (e.g. disk full); the original error is the one to report.
      }
    }
    throw;
  }
  return out;
}

/// The spec's objective with a freshly initialised model, seeded as every run is.
ObjectivePtr freshObjective(const ExperimentSpec& spec, const RunOutcome& out) {
  torch::manual_seed(spec.training.seed);
  return objectiveRegistry().at(spec.training.objective).make(spec.model, out.vocabularySize, out.classes,
                                                               long(spec.data.tokenizer.maxLength));
}

}  // namespace

std::string federatedArtifactPath(const std::string& storePath, long long runId) {
  return runArtifactDir(storePath, runId) + "/federated.json";
}

std::string resumeStatePath(const std::string& storePath, long long runId) {
  return runArtifactDir(storePath, runId) + "/resume.pt";
}

RunOutcome runExperiment(const ExperimentSpec& given, const RunOptions& o) {
  given.requireValid();
  const int threads = configureThreads(given.training.threads);
  parseDevice(given.training.device);  // fail early, before loading data
  RunOutcome out;
  const PreparedData prepared = loadData(given, o, out);
  checkDataFitsSpec(given, prepared);
  // The run records the spec as it trains: auto fields (0) filled in, and said.
  ExperimentSpec spec = given;
  const auto chosen = chooseHyperparameters(spec.training, out.trainExamples, !spec.federated.enabled);
  if (!chosen.empty()) say(o, "chose " + describeChoices(chosen));
  const auto warnings = specWarnings(spec, out.trainExamples);
  for (const auto& w : warnings) say(o, "warning: " + w.field + ": " + w.message);
  const auto caveats = privacyCaveats(spec);
  for (const auto& c : caveats) say(o, "privacy caveat: " + c.summary + ": " + c.meaning);
  const auto objective = freshObjective(spec, out);
  if (o.store) {
    out.runId = o.store->createRun(o.experiment, defaultRunName(spec), spec.toJson(), spec.sha256(), spec.training.seed,
                                   captureRepro(spec.training.device, threads, o.qtVersion));
    long long parameters = 0;
    for (const auto& p : objective->module().parameters()) parameters += p.numel();
    auto params = flatParams(spec, prepared.dataset, out.vocabularySize);
    params["parameters"] = std::to_string(parameters);
    params["privacy.mode"] = spec.training.privacy.mode;
    o.store->logParams(out.runId, params);
    for (const auto& w : warnings) o.store->setTag(out.runId, "warning." + w.field, w.message);
    for (const auto& c : chosen) o.store->setTag(out.runId, "auto.training." + c.field, c.value + ": " + c.why);
    if (spec.training.privacy.enabled())
      o.store->setTag(out.runId, "privacy.secure_mode", spec.training.privacy.secure ? "true" : "false");
    for (const auto& c : caveats) o.store->setTag(out.runId, privacyCaveatTag(c.key), c.summary + ": " + c.meaning);
  }
  reportPrivateVocabulary(spec, prepared, o, out.runId);
  return trainAndFinish(spec, prepared, objective, o, out, {});
}

namespace {

/// Why the run of `record` cannot go on from its saved state, or "".
std::string whyNotResumable(const RunStore& store, const RunRecord& record, const ExperimentSpec& spec) {
  if (record.status == "finished") return "it has finished";
  if (record.status == "running") return "it is still running";
  if (spec.federated.enabled) return "federated runs cannot be resumed yet";
  if (!std::filesystem::exists(resumeStatePath(store.path(), record.id)))
    return "no resume state was saved (it stopped before its first one, or ran without checkpoints)";
  return {};
}

}  // namespace

std::string whyNotResumable(const RunStore& store, long long runId) {
  const auto record = store.run(runId);
  if (!record) return "no such run";
  return whyNotResumable(store, *record, ExperimentSpec::fromJson(record->specJson, "run " + std::to_string(runId)));
}

RunOutcome resumeExperiment(long long runId, const RunOptions& o) {
  const std::string what = "run " + std::to_string(runId);
  if (!o.store) throw InputError(what, "resuming needs the run store it was recorded in");
  const auto record = o.store->run(runId);
  if (!record) throw InputError(what, "cannot resume: no such run");
  const auto spec = ExperimentSpec::fromJson(record->specJson, what);
  if (const auto why = whyNotResumable(*o.store, *record, spec); !why.empty()) throw InputError(what, "cannot resume: " + why);
  configureThreads(spec.training.threads);
  RunOutcome out;
  out.runId = runId;
  const auto vocabularyPath = privateVocabularyPath(o.store->path(), runId);
  const auto saved = std::filesystem::exists(vocabularyPath) ? std::optional(Vocabulary::load(vocabularyPath)) : std::nullopt;
  const PreparedData prepared = loadData(spec, o, out, saved ? &*saved : nullptr);
  const auto objective = freshObjective(spec, out);
  const auto path = resumeStatePath(o.store->path(), runId);
  const long step = savedStep(path);
  o.store->resumeRun(runId, step);
  const auto before = record->tags.find(kResumedTag);
  o.store->setTag(runId, kResumedTag, (before == record->tags.end() ? "" : before->second + ", ") + std::to_string(step));
  say(o, "resuming " + what + " from its state at step " + std::to_string(step));
  return trainAndFinish(spec, prepared, objective, o, out, path);
}

}  // namespace trustlab
