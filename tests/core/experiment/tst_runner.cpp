// Tests core/experiment/runner's resumable runs: a run stopped (or killed, its last saved state
// older than its last logged metrics) and resumed ends bit-identical to one that never stopped:
// the same final parameters, test metrics, metric histories and privacy ledger, for plain training
// with dropout, Adam and a schedule, and for eDP-SGD with Poisson sampling and adaptive clipping.
// A pretrained (hf) model folder fine-tunes privately with LoRA end to end, its frozen weights
// untouched by noise. A federated next-word run on held-out users stores its perplexity per round
// and its test metrics; an encoder's folder cannot be a language model.
#include <QtTest>

#include <torch/torch.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>

#include "experiment/runner.h"
#include "models/model_factory.h"
#include "pretrained/safetensors.h"
#include "spec/prepared_data.h"
#include "store/checkpoint.h"
#include "store/run_store.h"
#include "store/run_tags.h"
#include "util/errors.h"
#include "../../support/next_word_spec.h"
#include "../../support/tiny_hf_folder.h"

using namespace trustlab;
namespace fs = std::filesystem;

namespace {

/// Stops the run after `stopAt` steps; on the way, keeps a copy of the resume state as it was
/// after step `copyAfter` (what a process killed later would have left behind).
class Interrupter : public TrainingObserver {
 public:
  Interrupter(std::atomic<bool>& stop, long stopAt, std::string statePath, long copyAfter)
      : stop_(stop), stopAt_(stopAt), statePath_(std::move(statePath)), copyAfter_(copyAfter) {}
  void onProgress(const ProgressEvent& e) override {
    if (copyAfter_ > 0 && e.step > copyAfter_ && !copied_) {
      copied_ = fs::copy_file(statePath_, statePath_ + ".kept", fs::copy_options::overwrite_existing);
    }
    if (e.step >= stopAt_) stop_ = true;
  }

 private:
  std::atomic<bool>& stop_;
  long stopAt_;
  std::string statePath_;
  long copyAfter_;
  bool copied_ = false;
};

bool sameParameters(const std::string& a, const std::string& b) {
  const auto x = loadCheckpoint(a).model->named_parameters(), y = loadCheckpoint(b).model->named_parameters();
  if (x.size() != y.size()) return false;
  for (const auto& p : x)
    if (!torch::equal(p.value(), y[p.key()])) return false;
  return true;
}

}  // namespace

class TestRunner : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  int stores_ = 0;

  static ExperimentSpec plainSpec() {
    ExperimentSpec s;
    s.model.type = "bilstm";
    s.model.embeddingDim = 16;
    s.model.hiddenSize = 16;
    s.model.dropout = 0.3;  // dropout draws from the default generator: it must continue too
    s.training.maxSteps = 24;
    s.training.logEvery = 1;
    s.training.evalEvery = 8;
    s.training.schedule = "cosine";
    s.training.warmupSteps = 4;
    s.training.lr = 5e-3;
    s.training.batchSize = 32;
    return s;
  }
  static ExperimentSpec privateSpec() {
    ExperimentSpec s = plainSpec();
    s.model.type = "bag";
    s.training.logEvery = 2;
    s.training.batchSize = 64;
    s.training.privacy.mode = "edp";
    s.training.privacy.noiseMultiplier = 1.1;
    s.training.privacy.adaptiveClipping = true;
    return s;
  }

 private Q_SLOTS:
  void resumedRunIsBitIdentical_data() {
    QTest::addColumn<bool>("isPrivate");
    QTest::addColumn<long>("every");
    QTest::addColumn<long>("keptStep");  // > 0: resume from the state after this step, as a kill leaves it
    QTest::newRow("plain, stopped") << false << 0L << 0L;
    QTest::newRow("plain, killed after a periodic state") << false << 5L << 10L;
    QTest::newRow("eDP-SGD, stopped") << true << 0L << 0L;
    QTest::newRow("eDP-SGD, killed after a periodic state") << true << 5L << 10L;
  }
  void resumedRunIsBitIdentical() {
    QFETCH(bool, isPrivate);
    QFETCH(long, every);
    QFETCH(long, keptStep);
    const ExperimentSpec spec = isPrivate ? privateSpec() : plainSpec();
    RunStore store((dir_.path() + QString("/resume-%1.sqlite").arg(++stores_)).toStdString());
    RunOptions o;
    o.store = &store;
    o.checkpointEvery = every;
    const auto whole = runExperiment(spec, o);
    QCOMPARE(whole.status, std::string("finished"));
    QVERIFY(!fs::exists(resumeStatePath(store.path(), whole.runId)));  // a finished run keeps no state
    QVERIFY(whyNotResumable(store, whole.runId).find("finished") != std::string::npos);

    std::atomic<bool> stop{false};
    const long long next = whole.runId + 1;
    const std::string state = resumeStatePath(store.path(), next);
    Interrupter interrupter(stop, 13, state, keptStep);
    o.stop = &stop;
    o.observers = {&interrupter};
    const auto first = runExperiment(spec, o);
    QCOMPARE(first.runId, next);
    QCOMPARE(first.status, std::string("killed"));
    QVERIFY(first.training.steps >= 13 && first.training.steps < whole.training.steps);
    QVERIFY(whyNotResumable(store, next).empty());
    if (keptStep > 0) fs::rename(state + ".kept", state);  // metrics of steps 11–13 are now ahead of the state

    o.stop = nullptr;
    o.observers = {};
    const auto resumed = resumeExperiment(next, o);
    QCOMPARE(resumed.runId, next);
    QCOMPARE(resumed.status, std::string("finished"));
    QCOMPARE(resumed.training.steps, whole.training.steps);
    QCOMPARE(resumed.test.accuracy, whole.test.accuracy);  // exact: bit-identical, not close
    QCOMPARE(resumed.test.loss, whole.test.loss);
    QCOMPARE(resumed.valid.loss, whole.valid.loss);
    QVERIFY(sameParameters(resumed.checkpointDir, whole.checkpointDir));
    for (const auto& key : store.metricKeys(whole.runId)) {
      if (key == "time/seconds") continue;
      const auto a = store.metricHistory(whole.runId, key), b = store.metricHistory(next, key);
      QVERIFY2(a.size() == b.size(), key.c_str());
      for (size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(b[i].step, a[i].step);
        QVERIFY2(b[i].value == a[i].value || (std::isnan(a[i].value) && std::isnan(b[i].value)), key.c_str());
      }
    }
    const auto la = store.ledger(whole.runId), lb = store.ledger(next);
    QCOMPARE(lb.size(), la.size());
    if (isPrivate) QVERIFY(!la.empty() && lb.back().epsilon == la.back().epsilon);
    const auto record = store.run(next);
    QCOMPARE(record->status, std::string("finished"));
    QCOMPARE(record->tags.at(kResumedTag), std::to_string(keptStep > 0 ? keptStep : first.training.steps));
    QVERIFY(!fs::exists(state));
  }
  /// A BERT-shaped folder (random weights, a WordPiece vocabulary of the default dataset's words)
  /// fine-tuned with LoRA under eDP-SGD: the run finishes with a privacy ledger, and its checkpoint
  /// has the folder's weights bit for bit where they were frozen, trained adapters and head.
  void pretrainedModelFineTunesPrivatelyWithLora() {
    const fs::path folder =
        test::writeTinyBertFolder((dir_.path() + "/tiny-bert").toStdString(), prepareData(plainSpec()).vocabulary.tokens());
    ExperimentSpec spec = privateSpec();
    spec.model.type = "hf";
    spec.model.path = folder.string();
    spec.model.fineTuning.mode = "lora";
    spec.model.fineTuning.loraRank = 2;
    spec.training.privacy.adaptiveClipping = false;
    spec.training.maxSteps = 6;
    spec.data.tokenizer.maxLength = 16;
    RunStore store((dir_.path() + "/hf.sqlite").toStdString());
    RunOptions o;
    o.store = &store;
    const auto run = runExperiment(spec, o);
    QCOMPARE(run.status, std::string("finished"));
    QVERIFY(!store.ledger(run.runId).empty());
    const auto checkpoint = loadCheckpoint(run.checkpointDir);
    const SafetensorsFile original((folder / "model.safetensors").string());
    int frozen = 0, adapters = 0;
    for (const auto& p : checkpoint.model->named_parameters()) {
      if (original.contains(p.key())) {
        QVERIFY2(torch::equal(p.value(), original.tensor(p.key())), p.key().c_str());
        ++frozen;
      } else if (p.key().find("lora_B") != std::string::npos) {
        QVERIFY2(p.value().abs().sum().item<double>() > 0, p.key().c_str());  // trained from zero
        ++adapters;
      }
    }
    QVERIFY(frozen > 30);
    QCOMPARE(adapters, 2 * 3);  // 2 layers × query, key, value
  }
  void federatedNextWordRunOnHeldOutUsers() {
    const ExperimentSpec s = test::tinyNextWordSpec(3);
    RunStore store((dir_.path() + "/next-word.sqlite").toStdString());
    RunOptions o;
    o.store = &store;
    const auto run = runExperiment(s, o);
    QCOMPARE(run.status, std::string("finished"));
    std::map<std::string, double> test(run.testMetrics.begin(), run.testMetrics.end());
    QVERIFY(test.count("perplexity") && test.count("top3_accuracy"));
    QVERIFY(test.at("perplexity") > 1 && test.at("perplexity") < double(run.vocabularySize));  // better than uniform
    QCOMPARE(run.test.accuracy, test.at("accuracy"));
    const auto record = *store.run(run.runId);
    QCOMPARE(store.metricHistory(run.runId, "valid/perplexity").size(), size_t(3));
    QCOMPARE(record.metric("test/perplexity"), test.at("perplexity"));
    QCOMPARE(record.params.at("objective"), std::string("next_word"));
    QVERIFY(run.checkpointDir.empty());  // a classifier's checkpoint only
    // A GPT-2-family folder learns the same way, reading the texts with its own tokenizer.
    ExperimentSpec gpt2 = s;
    gpt2.model.type = "hf";
    gpt2.model.path = test::writeTinyGpt2Folder((dir_.path() + "/tiny-gpt2").toStdString(),
                                                prepareData(plainSpec()).vocabulary.tokens()).string();
    gpt2.federated.rounds = 2;
    const auto folderRun = runExperiment(gpt2, o);
    QCOMPARE(folderRun.status, std::string("finished"));
    QCOMPARE(store.metricHistory(folderRun.runId, "valid/perplexity").size(), size_t(2));
    QVERIFY(store.run(folderRun.runId)->metric("test/perplexity") < double(folderRun.vocabularySize));
    // An encoder cannot predict the next word.
    const auto bert = test::writeTinyBertFolder((dir_.path() + "/tiny-bert-lm").toStdString(), {"a", "b"});
    ModelConfig encoder;
    encoder.type = "hf";
    encoder.path = bert.string();
    try {
      makeLanguageModel(encoder, 5, 8);
      QFAIL("an encoder became a language model");
    } catch (const InputError& e) {
      QCOMPARE(QString::fromStdString(e.where()), QString("model.path"));
      QVERIFY2(QString(e.what()).contains("GPT-2"), e.what());
    }
  }
  void privacyCaveatsAreRecordedWithTheRun() {
    // What a private run's ε does not say is stored beside it (spec/privacy_caveats.h); secure
    // mode draws its noise from ChaCha20 and still accounts the σ asked for.
    RunStore store((dir_.path() + "/caveats.sqlite").toStdString());
    RunOptions o;
    o.store = &store;
    auto caveatsOf = [&](const ExperimentSpec& spec) {
      const auto out = runExperiment(spec, o);
      std::set<std::string> keys;
      const auto run = store.run(out.runId);
      for (const auto& [key, value] : run->tags)
        if (key.rfind("privacy.caveat.", 0) == 0) keys.insert(key.substr(15));
      return std::pair{out, keys};
    };
    auto spec = privateSpec();
    spec.training.maxSteps = 4;
    spec.training.privacy.adaptiveClipping = false;
    QCOMPARE(caveatsOf(spec).second, (std::set<std::string>{"not_secure", "vocabulary"}));
    spec.training.privacy.secure = true;
    spec.training.privacy.sampling = kSamplingShuffle;
    const auto [secure, keys] = caveatsOf(spec);
    QCOMPARE(keys, (std::set<std::string>{"shuffled_batches", "vocabulary"}));
    QCOMPARE(secure.status, std::string("finished"));
    for (const auto& row : store.ledger(secure.runId)) QCOMPARE(row.noiseMultiplier, 1.1);
    spec.training.privacy.mode = kPrivacyOff;
    QVERIFY(caveatsOf(spec).second.empty());
  }
  void autoHyperparametersAreSaidRecordedAndStored() {
    // A budget-driven run leaves batch size and learning rate to TrustLab: the run says what it
    // chose, tags it, and stores the spec it trained with (so it reruns and resumes the same).
    RunStore store((dir_.path() + "/auto.sqlite").toStdString());
    RunOptions o;
    o.store = &store;
    auto spec = privateSpec();
    spec.training.maxSteps = 2;
    spec.training.batchSize = 0;
    spec.training.lr = 0;
    spec.training.privacy.adaptiveClipping = false;
    spec.training.privacy.targetEpsilon = 8;
    const auto out = runExperiment(spec, o);
    const auto run = store.run(out.runId);
    const auto stored = ExperimentSpec::fromJson(run->specJson);
    QVERIFY(stored.training.batchSize >= 1 && stored.training.lr > 0);
    QCOMPARE(run->tags.at("auto.training.batch_size").substr(0, std::to_string(stored.training.batchSize).size()),
             std::to_string(stored.training.batchSize));
    QVERIFY(run->tags.count("auto.training.lr") && !run->tags.count("auto.training.epochs"));
    QCOMPARE(run->params.at("batch_size"), std::to_string(stored.training.batchSize));
  }
  /// A loss that turns NaN or infinite ends the run as failed, saying at which step and what to
  /// change; the metrics logged before it are kept.
  void divergedRunFailsNamingTheStepAndKeepsItsMetrics() {
    RunStore store((dir_.path() + "/diverged.sqlite").toStdString());
    RunOptions o;
    o.store = &store;
    auto spec = plainSpec();
    spec.model.type = "transformer";
    spec.model.dropout = 0;
    spec.training.optimizer = "sgd";
    spec.training.schedule = "constant";
    spec.training.warmupSteps = 0;
    spec.training.lr = 10;  // with heavy momentum, attention's logits blow up within a few steps
    spec.training.momentum = 0.99;
    spec.training.maxSteps = 60;
    std::string error;
    try {
      runExperiment(spec, o);
    } catch (const std::exception& e) {
      error = e.what();
    }
    QVERIFY2(error.find("training diverged: loss is ") != std::string::npos && error.find("at step ") != std::string::npos &&
                 error.find("training.lr") != std::string::npos,
             error.c_str());
    const auto runs = store.listRuns();
    QCOMPARE(int(runs.size()), 1);
    const auto run = store.run(runs.front().id);
    QCOMPARE(run->status, std::string("failed"));
    QCOMPARE(run->error, error);
    const auto loss = store.metricHistory(run->id, "train/loss");
    QVERIFY(!loss.empty());  // the steps before the divergence
    for (const auto& p : loss) QVERIFY(std::isfinite(p.value));
  }
  void notResumableSaysWhy() {
    RunStore store((dir_.path() + "/why.sqlite").toStdString());
    QCOMPARE(whyNotResumable(store, 99), std::string("no such run"));
    ExperimentSpec spec = plainSpec();
    RunOptions o;
    o.store = &store;
    o.saveCheckpoint = false;  // no state is kept either
    std::atomic<bool> stop{true};
    o.stop = &stop;
    const auto out = runExperiment(spec, o);
    QVERIFY(whyNotResumable(store, out.runId).find("no resume state") != std::string::npos);
    try {
      resumeExperiment(out.runId, o);
      QFAIL("expected InputError");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("run " + QString::number(out.runId)), e.what());
    }
    spec.federated.enabled = true;
    o.saveCheckpoint = true;
    const auto fl = runExperiment(spec, o);
    QVERIFY(whyNotResumable(store, fl.runId).find("federated") != std::string::npos);
  }
  void corruptStateIsAnErrorNamingTheFile() {
    RunStore store((dir_.path() + "/corrupt.sqlite").toStdString());
    RunOptions o;
    o.store = &store;
    std::atomic<bool> stop{true};
    o.stop = &stop;
    const auto out = runExperiment(plainSpec(), o);
    const auto state = resumeStatePath(store.path(), out.runId);
    QVERIFY(fs::exists(state));
    fs::resize_file(state, fs::file_size(state) / 2);
    o.stop = nullptr;
    try {
      resumeExperiment(out.runId, o);
      QFAIL("expected InputError");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("resume.pt"), e.what());
    }
    QCOMPARE(store.run(out.runId)->status, std::string("killed"));  // nothing reopened
  }
};

QTEST_GUILESS_MAIN(TestRunner)
#include "tst_runner.moc"
