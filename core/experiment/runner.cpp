#include "experiment/runner.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "data/batching.h"
#include "store/checkpoint.h"
#include "experiment/partition_preview.h"
#include "spec/prepared_data.h"
#include "spec/run_name.h"
#include "spec/spec_warnings.h"
#include "store/store_observer.h"
#include "federated/federated_trainer.h"
#include "models/model_factory.h"
#include "util/runtime.h"

namespace trustlab {
namespace {

void say(const RunOptions& o, const std::string& message) {
  for (auto* obs : o.observers) obs->onMessage(message);
}

std::map<std::string, std::string> flatParams(const ExperimentSpec& s, const Dataset& d, long vocab) {
  return {{"dataset", s.data.dataset}, {"dataset.train_examples", std::to_string(d.train.size())},
          {"dataset.classes", std::to_string(d.labels().size())}, {"vocab_size", std::to_string(vocab)},
          {"max_length", std::to_string(s.data.tokenizer.maxLength)}, {"model", s.model.type},
          {"embedding_dim", std::to_string(s.model.embeddingDim)}, {"optimizer", s.training.optimizer},
          {"lr", std::to_string(s.training.lr)}, {"batch_size", std::to_string(s.training.batchSize)},
          {"epochs", std::to_string(s.training.epochs)}, {"seed", std::to_string(s.training.seed)},
          {"device", s.training.device}};
}

}  // namespace

std::string federatedArtifactPath(const std::string& storePath, long long runId) {
  return runArtifactDir(storePath, runId) + "/federated.json";
}

RunOutcome runExperiment(const ExperimentSpec& spec, const RunOptions& o) {
  spec.requireValid();
  const int threads = configureThreads(spec.training.threads);
  parseDevice(spec.training.device);  // fail early, before loading data
  say(o, "loading dataset '" + spec.data.dataset + "'");
  const PreparedData prepared = prepareData(spec);
  const Dataset& data = prepared.dataset;
  const auto& vocab = prepared.vocabulary;
  const auto& labelIndex = prepared.labelIndex;
  const auto &train = prepared.train, &valid = prepared.valid, &test = prepared.test;
  say(o, data.name + ": " + std::to_string(data.train.size()) + " train / " + std::to_string(data.valid.size()) +
             " valid / " + std::to_string(data.test.size()) + " test, " + std::to_string(labelIndex.size()) +
             " classes, vocabulary " + std::to_string(vocab.size()) +
             (prepared.canaries.empty() ? "" : ", " + std::to_string(prepared.canaries.size()) + " canaries planted"));
  const auto warnings = specWarnings(spec, long(data.train.size()));
  for (const auto& w : warnings) say(o, "warning: " + w.field + ": " + w.message);

  RunOutcome out;
  out.vocabularySize = long(vocab.size());
  out.classes = long(labelIndex.size());
  out.trainExamples = long(data.train.size());
  torch::manual_seed(spec.training.seed);
  auto model = makeClassifier(spec.model, out.vocabularySize, out.classes, long(spec.data.tokenizer.maxLength));

  const std::string specJson = spec.toJson();
  if (o.store) {
    out.runId = o.store->createRun(o.experiment, defaultRunName(spec), specJson, spec.sha256(), spec.training.seed,
                                   captureRepro(spec.training.device, threads, o.qtVersion));
    long long parameters = 0;
    for (const auto& p : model->parameters()) parameters += p.numel();
    auto params = flatParams(spec, data, out.vocabularySize);
    params["parameters"] = std::to_string(parameters);
    params["privacy.mode"] = spec.training.privacy.mode;
    o.store->logParams(out.runId, params);
    for (const auto& w : warnings) o.store->setTag(out.runId, "warning." + w.field, w.message);
    if (spec.training.privacy.enabled()) {
      o.store->setTag(out.runId, "privacy.secure_mode", spec.training.privacy.secure ? "true" : "false");
      if (spec.training.privacy.sampling != kSamplingPoisson)
        o.store->setTag(out.runId, "privacy.warning", "shuffled batches: the accountant assumes Poisson sampling");
    }
  }
  std::unique_ptr<StoreObserver> storeObserver;
  if (o.store) storeObserver = std::make_unique<StoreObserver>(*o.store, out.runId);
  try {
    // Centralised or federated training; afterwards both look the same: their events (device,
    // observers) take the final metrics at the last step (a round for federated runs).
    const RunEvents* events = nullptr;
    std::unique_ptr<Trainer> trainer;
    std::unique_ptr<FederatedTrainer> federated;
    if (spec.federated.enabled) {
      federated = std::make_unique<FederatedTrainer>(model, spec.training, spec.federated, out.runId);
      if (o.rendezvous) federated->setRendezvous(*o.rendezvous);
      if (storeObserver) federated->addObserver(storeObserver.get());
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
      const auto r = federated->fit(train, partition, valid, o.stop);
      out.training.cancelled = r.cancelled;
      out.training.steps = r.rounds;
      out.training.seconds = r.seconds;
      out.simulatedSeconds = r.simulatedSeconds;
      out.training.noiseMultiplier = r.noiseMultiplier;
      if (o.store) {
        const auto path = federatedArtifactPath(o.store->path(), out.runId);
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        std::vector<long> sizes;
        for (const auto& c : partition) sizes.push_back(long(c.size()));
        std::ofstream(path) << nlohmann::json{{"sizes", sizes}, {"labels_per_client", stats.labelCount},
                                              {"participation", r.participation}}
                                   .dump();
      }
      if (o.store && spec.federated.userDp)
        o.store->logParams(out.runId, {{"federated.user_noise_multiplier", std::to_string(r.noiseMultiplier)}});
      if (o.store && spec.training.privacy.enabled())
        o.store->logParams(out.runId, {{"federated.example_noise_multiplier", std::to_string(spec.training.privacy.noiseMultiplier)}});
      events = &federated->events();
    } else {
      trainer = std::make_unique<Trainer>(model, spec.training, out.runId);
      if (storeObserver) trainer->addObserver(storeObserver.get());
      for (auto* obs : o.observers) trainer->addObserver(obs);
      out.training = trainer->fit(train, valid, o.stop);
      events = &trainer->events();
    }
    out.status = out.training.cancelled ? "killed" : "finished";
    const long evalBatch = std::max<long>(spec.training.batchSize, 256);
    out.valid = evaluate(*model, valid, evalBatch, events->device());
    if (!out.training.cancelled) {
      out.test = evaluate(*model, test, evalBatch, events->device());
      events->metric("test/loss", out.training.steps, out.test.loss);
      events->metric("test/accuracy", out.training.steps, out.test.accuracy);
      events->metric("test/macro_f1", out.training.steps, out.test.macroF1);
      events->metric("time/seconds", out.training.steps, out.training.seconds);
    }
    if (storeObserver) storeObserver->flush();
    if (o.store && o.saveCheckpoint && !out.training.cancelled) {
      out.checkpointDir = runArtifactDir(o.store->path(), out.runId);
      saveCheckpoint(out.checkpointDir, Checkpoint{spec, vocab, data.labels(), model});
      o.store->setTag(out.runId, "checkpoint", std::filesystem::absolute(out.checkpointDir).string());
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

}  // namespace trustlab
