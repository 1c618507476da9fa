// Tests core/store: comparing, filtering and grouping runs; the run store's round trip of runs,
// params, tags, metrics (NaN too) and ledger; killed-run recovery after the writing process dies;
// two writing processes at once; a full disk; clear errors on bad files; files only their owner
// reads; and the runner writing a complete, reproducible record with a usable checkpoint.
#include <QtTest>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <cmath>

#include "store/checkpoint.h"
#include "privacy/dp_vocabulary.h"
#include "store/privacy_ledger.h"
#include "privacy/rdp.h"
#include "store/run_comparison.h"
#include "store/run_filter.h"
#include "store/run_groups.h"
#include "store/run_store.h"
#include "training/auto_hyperparameters.h"
#include "experiment/runner.h"
#include "util/errors.h"

using namespace trustlab;

namespace {
/// The permission bits of `p` (0600, 0700, …).
unsigned mode(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? unsigned(st.st_mode & 0777) : 0u;
}
}  // namespace

class TestRunStore : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string path(const char* name) const { return (dir_.path() + "/" + name).toStdString(); }

 private Q_SLOTS:
  void comparisonShowsOnlyWhatDiffers() {
    RunRecord a, b;
    a.id = 1, b.id = 2;
    a.specJson = R"({"model":{"type":"bag","dim":64},"training":{"lr":0.01,"seed":1}})";
    b.specJson = R"({"model":{"type":"bag","dim":64},"training":{"lr":0.003,"seed":1},"extra":{"x":true}})";
    a.latestMetrics = {{"test/accuracy", 0.9}};
    b.latestMetrics = {{"test/accuracy", 0.8}, {"privacy/epsilon", 3}};
    const auto c = compareRuns({a, b});
    QCOMPARE(c.runs, (std::vector<long long>{1, 2}));
    QCOMPARE(c.differingSettings.size(), size_t(2));  // training.lr, and extra.x that run 1 lacks
    QCOMPARE(*c.differingSettings.at("training.lr")[0], std::string("0.01"));
    QCOMPARE(*c.differingSettings.at("training.lr")[1], std::string("0.003"));
    QVERIFY(!c.differingSettings.at("extra.x")[0].has_value());
    QCOMPARE(c.sameSettings, 3L);  // model.type, model.dim, training.seed
    QCOMPARE(*c.metrics.at("test/accuracy")[1], 0.8);
    QVERIFY(!c.metrics.at("privacy/epsilon")[0].has_value());
    // Colour by a differing setting: values in the order met, "(none)" for a run without it.
    RunRecord third = a;
    third.id = 3, third.specSha256 = "third";
    const auto colours = colourBySetting(compareRuns({a, b, third}), "extra.x");
    QCOMPARE(colours.values, (std::vector<std::string>{"(none)", "true"}));
    QCOMPARE(colours.index, (std::vector<int>{0, 1, 0}));
    QVERIFY(colourBySetting(c, "model.type").index.empty());  // the same in both: colour by run
  }
  void filterExpressions() {
    RunRecord a;
    a.id = 1, a.name = "bilstm edp ε=3", a.status = "finished", a.seed = 2;
    a.latestMetrics = {{"test/accuracy", 0.93}, {"privacy/epsilon", 2.99}};
    a.params = {{"privacy.mode", "edp"}, {"privacy.target_epsilon", "3.000000"}};
    a.tags = {{"note", "first try"}};
    RunRecord b;
    b.id = 2, b.name = "bag", b.status = "failed";
    b.latestMetrics = {{"test/accuracy", 0.41}};
    b.params = {{"privacy.mode", "off"}};
    const auto chosen = [&](const char* text) {
      const auto f = RunFilter::parse(text);
      return QString("%1%2").arg(f.matches(a) ? "a" : "").arg(f.matches(b) ? "b" : "");
    };
    QCOMPARE(chosen("privacy.target_epsilon < 3.5 and test/accuracy > 0.9"), QString("a"));
    QCOMPARE(chosen("test/accuracy >= 0.41"), QString("ab"));
    QCOMPARE(chosen("privacy.mode = off or status = failed"), QString("b"));
    QCOMPARE(chosen("privacy.mode != off"), QString("a"));
    QCOMPARE(chosen("note"), QString("a"));  // has the key
    QCOMPARE(chosen("not note"), QString("b"));
    QCOMPARE(chosen("name ~ EDP"), QString("a"));  // contains, any case
    QCOMPARE(chosen("note = 'first try'"), QString("a"));
    QCOMPARE(chosen("not (id = 1 or seed > 5)"), QString("b"));
    QCOMPARE(chosen("privacy.target_epsilon < 3"), QString(""));  // 3.000000 is not below 3; b has no key
    QCOMPARE(chosen(""), QString("ab"));
    QCOMPARE(chosen("status < failed"), QString(""));  // text has no order
    for (const char* bad : {"test/accuracy >", "(status = failed", "note = 'open", "and"})
      try {
        RunFilter::parse(bad);
        QFAIL(bad);
      } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains("column"), e.what());
      }
    // Spec fields as keys: from the stored spec, absent where the section is off.
    ExperimentSpec privateSpec, plainSpec;
    privateSpec.training.privacy.mode = "edp";
    privateSpec.training.privacy.targetEpsilon = 2;
    privateSpec.training.lr = 0.01;
    RunRecord c, d;
    c.specJson = privateSpec.toJson(), c.specSha256 = privateSpec.sha256();
    d.specJson = plainSpec.toJson(), d.specSha256 = plainSpec.sha256();
    const auto spec = [&](const char* text) {
      const auto f = RunFilter::parse(text);
      return QString("%1%2").arg(f.matches(c) ? "c" : "").arg(f.matches(d) ? "d" : "");
    };
    QCOMPARE(spec("privacy.target_epsilon < 3"), QString("c"));  // the non-private run has no target ε
    QCOMPARE(spec("training.lr = 0.01"), QString("c"));
    QCOMPARE(spec("model.type = bilstm"), QString("cd"));
    QCOMPARE(spec("federated.clients > 0"), QString(""));  // not federated: no clients
    QVERIFY(looksLikeRunFilter("test/accuracy > 0.9") && looksLikeRunFilter("not note"));
    QVERIFY(!looksLikeRunFilter("edp") && !looksLikeRunFilter("bilstm seed"));
  }
  void groupsOfRuns() {
    // Replicates: ε 3 with seeds 1, 2, 3 and ε 8 with seeds 1, 2 in one sweep; ε 3 seed 1 again
    // in another experiment is its own group.
    std::vector<RunRecord> runs;
    const auto add = [&](const char* experiment, double epsilon, int seed, double accuracy) {
      ExperimentSpec spec;
      spec.training.privacy.mode = "edp";
      spec.training.privacy.targetEpsilon = epsilon;
      spec.training.seed = seed;
      RunRecord r;
      r.id = long(runs.size()) + 1, r.experiment = experiment, r.status = "finished", r.seed = seed;
      r.specJson = spec.toJson(), r.specSha256 = spec.sha256();
      r.latestMetrics = {{"test/accuracy", accuracy}};
      if (seed == 1) r.tags = {{"arm", epsilon < 5 ? "tight" : "loose"}};
      runs.push_back(r);
    };
    add("sweep:eps", 3, 1, 0.80), add("sweep:eps", 8, 1, 0.90), add("sweep:eps", 3, 2, 0.82),
        add("sweep:eps", 3, 3, 0.84), add("sweep:eps", 8, 2, 0.92), add("other", 3, 1, 0.5);
    const auto replicates = groupRuns(runs, kGroupByReplicates);
    QCOMPARE(replicates.size(), size_t(3));
    QCOMPARE(replicates[0].members, (std::vector<size_t>{0, 2, 3}));
    QCOMPARE(replicates[1].members, (std::vector<size_t>{1, 4}));
    QCOMPARE(replicates[2].members, (std::vector<size_t>{5}));
    // Labelled by what tells the groups apart: the experiment and ε, not the seed.
    QVERIFY2(replicates[0].label == "sweep:eps, privacy.target_epsilon=3.0", replicates[0].label.c_str());
    QCOMPARE(replicates[1].label, std::string("sweep:eps, privacy.target_epsilon=8.0"));
    const auto accuracy = groupValue(runs, replicates[0], "test/accuracy");
    QCOMPARE(accuracy.count, size_t(3));
    QVERIFY(std::abs(*accuracy.mean - 0.82) < 1e-12);
    QVERIFY(std::abs(accuracy.std - 0.02) < 1e-12);  // sample standard deviation of 0.80, 0.82, 0.84
    QCOMPARE(groupValue(runs, replicates[2], "test/accuracy").std, 0.0);
    QCOMPARE(groupValue(runs, replicates[0], "privacy.target_epsilon").mean, std::optional<double>(3));
    QCOMPARE(groupValue(runs, replicates[0], "experiment").text, std::string("sweep:eps"));
    const auto byExperiment = groupRuns(runs, "experiment");
    QCOMPARE(byExperiment.size(), size_t(2));
    QCOMPARE(byExperiment[0].label, std::string("sweep:eps"));
    QCOMPARE(groupValue(runs, byExperiment[0], "privacy.target_epsilon").text, std::string());
    QCOMPARE(groupValue(runs, byExperiment[0], "training.seed").count, size_t(5));
    // By a tag: runs without it come last, as "(none)"; a column mixing texts says how many.
    const auto byTag = groupRuns(runs, "arm");
    QCOMPARE(byTag.size(), size_t(3));
    QCOMPARE(byTag[0].label, std::string("tight"));
    QCOMPARE(byTag[0].members, (std::vector<size_t>{0, 5}));
    QCOMPARE(byTag[2].label, std::string("(none)"));
    QCOMPARE(groupValue(runs, byTag[0], "experiment").text, std::string("2 values"));
    QVERIFY(!groupValue(runs, byTag[2], "arm").mean && groupValue(runs, byTag[2], "arm").count == 0);
    // A NaN metric is a number without a place in the mean.
    runs[2].latestMetrics["test/accuracy"] = NAN;
    const auto withNan = groupValue(runs, replicates[0], "test/accuracy");
    QCOMPARE(withNan.count, size_t(2));
    QVERIFY(std::abs(*withNan.mean - 0.82) < 1e-12);
    for (const auto& g : runGroupings()) QVERIFY(!g.key.empty() && !g.label.empty());
  }
  void roundTrip() {
    RunStore store(path("a.sqlite"));
    const auto repro = captureRepro("cpu", 2, "6.4.2");
    const long long id = store.createRun("exp", "first", "{\"x\":1}", "abc", 42, repro);
    store.logParams(id, {{"lr", "0.1"}, {"model", "bag"}});
    store.setTag(id, "note", "hello");
    store.logMetrics(id, {{"valid/accuracy", 10, 0.5, 1.0}, {"valid/accuracy", 20, 0.75, 2.0},
                          {"train/loss", 10, std::nan(""), 1.0}});
    store.logLedger(id, {10, 1.1, 0.01, 2.5, 1e-5, "rdp"});
    store.finishRun(id, "finished");
    const auto r = store.run(id);
    QVERIFY(r.has_value());
    QCOMPARE(r->status, std::string("finished"));
    QCOMPARE(r->experiment, std::string("exp"));
    QCOMPARE(r->seed, 42ULL);
    QCOMPARE(r->repro.qtVersion, std::string("6.4.2"));
    QCOMPARE(r->params.at("model"), std::string("bag"));
    QCOMPARE(r->tags.at("note"), std::string("hello"));
    QCOMPARE(r->latestMetrics.at("valid/accuracy"), 0.75);
    QVERIFY(std::isnan(r->latestMetrics.at("train/loss")));
    const auto h = store.metricHistory(id, "valid/accuracy");
    QCOMPARE(h.size(), size_t(2));
    QCOMPARE(h[0].step, 10L);
    QCOMPARE(store.ledger(id).front().accountant, std::string("rdp"));
    QCOMPARE(store.listRuns("first").size(), size_t(1));
    const auto listed = store.listRuns("first").front();  // the table's rows carry params and tags too
    QCOMPARE(listed.params.at("model"), std::string("bag"));
    QCOMPARE(listed.tags.at("note"), std::string("hello"));
    QCOMPARE(store.listRuns("nomatch").size(), size_t(0));
    store.deleteRun(id);
    QVERIFY(!store.run(id).has_value());
    QVERIFY(store.metricHistory(id, "valid/accuracy").empty());
  }
  void ledgerRecomputesWithAnyAccountant() {
    RunStore store(path("ledger.sqlite"));
    const long long id = store.createRun("exp", "private", "{}", "h", 1, captureRepro("cpu", 1));
    // 1000 steps at σ = 1.1, then 500 at σ = 0.9 (a noise schedule), logged every 250 steps.
    for (long s = 250; s <= 1500; s += 250) store.logLedger(id, {s, s <= 1000 ? 1.1 : 0.9, 0.01, 0, 1e-5, "rdp"});
    const auto h = historyFromLedger(store.ledger(id));
    QCOMPARE(h.size(), size_t(2));
    QCOMPARE(h[0].steps, 1000L);
    QCOMPARE(h[1].steps, 500L);
    PrivacyConfig privacy;
    privacy.mode = kPrivacyEdp;
    const auto rdp = recomputeLedger(store.ledger(id), "rdp", privacy);
    QCOMPARE(rdp.epsilon, rdpEpsilon({{1.1, 0.01, 1000}, {0.9, 0.01, 500}}, 1e-5).epsilon);
    const auto prv = recomputeLedger(store.ledger(id), "prv", privacy);
    QVERIFY(prv.epsilon > 0 && prv.epsilon < rdp.epsilon);
    QVERIFY_THROWS_EXCEPTION(InputError, recomputeLedger({}, "rdp", privacy));
    // A run whose spec released a DP vocabulary first: that phase is composed in, at δ − δ_τ.
    privacy.vocabularyNoise = 3;
    const auto withVocabulary = recomputeLedger(store.ledger(id), "rdp", privacy);
    QCOMPARE(withVocabulary.epsilon,
             rdpEpsilon({{3, 1, 1}, {1.1, 0.01, 1000}, {0.9, 0.01, 500}}, accountantDelta(privacy)).epsilon);
    QVERIFY(withVocabulary.epsilon > rdp.epsilon);
    QCOMPARE(withVocabulary.delta, 1e-5);
  }
  void killedRunIsRecoveredWithItsMetrics() {
    const std::string p = path("killed.sqlite");
    { RunStore init(p); }
    const pid_t child = fork();
    if (child == 0) {
      // The child starts a run, writes metrics, and dies without finishing it.
      RunStore store(p);
      const long long id = store.createRun("exp", "doomed", "{}", "h", 1, captureRepro("cpu", 1));
      store.logMetrics(id, {{"train/loss", 1, 2.0, 1.0}, {"train/loss", 2, 1.5, 2.0}});
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    RunStore store(p);
    const auto runs = store.listRuns();
    QCOMPARE(runs.size(), size_t(1));
    QCOMPARE(runs[0].status, std::string("killed"));
    QVERIFY(!runs[0].error.empty());
    QCOMPARE(store.metricHistory(runs[0].id, "train/loss").size(), size_t(2));
  }
  void resumeRunDropsWhatCameAfterItsStep() {
    RunStore store(path("reopen.sqlite"));
    const long long id = store.createRun("exp", "r", "{}", "h", 1, captureRepro("cpu", 1));
    store.logMetrics(id, {{"train/loss", 5, 2.0, 1.0}, {"train/loss", 10, 1.5, 2.0}, {"train/loss", 12, 1.4, 3.0},
                          {"valid/accuracy", 12, 0.5, 3.0}});
    store.logLedger(id, {10, 1.1, 0.01, 0.5, 1e-5, "rdp"});
    store.logLedger(id, {12, 1.1, 0.01, 0.6, 1e-5, "rdp"});
    store.finishRun(id, "killed", "stopped by user");
    store.resumeRun(id, 10);
    const auto r = store.run(id);
    QCOMPARE(r->status, std::string("running"));
    QVERIFY(r->error.empty());
    QCOMPARE(r->endTime, 0.0);
    QCOMPARE(store.metricHistory(id, "train/loss").size(), size_t(2));
    QCOMPARE(r->latestMetrics.at("train/loss"), 1.5);           // recomputed from what is left
    QVERIFY(!r->latestMetrics.count("valid/accuracy"));         // logged only after step 10
    QCOMPARE(store.ledger(id).size(), size_t(1));
    store.setTag(id, "baseline", "yes");
    store.removeTag(id, "baseline");
    store.removeTag(id, "never-set");
    store.renameRun(id, "renamed");
    QVERIFY(!store.run(id)->tags.count("baseline"));
    QCOMPARE(store.run(id)->name, std::string("renamed"));
  }
  void runningRunOfLiveProcessIsKept() {
    RunStore store(path("live.sqlite"));
    const long long id = store.createRun("exp", "alive", "{}", "h", 1, captureRepro("cpu", 1));
    RunStore second(path("live.sqlite"));  // reopening must not kill our own running run
    QCOMPARE(second.run(id)->status, std::string("running"));
  }
  void badFilesAreClearErrors() {
    // A path that cannot be a store is the user's input (InputError: the CLI's exit 2), naming it.
    QFile junk(dir_.path() + "/junk.sqlite");
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(4096, 'x'));
    junk.close();
    const auto expectInputError = [](const std::string& p, bool readOnly, const QString& words) {
      try {
        RunStore s(p, readOnly);
        QFAIL(qPrintable("expected InputError for " + QString::fromStdString(p)));
      } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains(QString::fromStdString(p)) && QString(e.what()).contains(words), e.what());
      }
    };
    expectInputError(junk.fileName().toStdString(), false, "not an SQLite database");
    // A reader (the GUI opening a store) is told at once, not at its first query.
    expectInputError(junk.fileName().toStdString(), true, "not an SQLite database");
    expectInputError("/nonexistent/dir/runs.sqlite", false, "does not exist");
    expectInputError(dir_.path().toStdString(), false, "is a folder");
    expectInputError(path("absent.sqlite"), true, "no run store there");
    QFile tiny(dir_.path() + "/tiny.sqlite");  // shorter than a header: SQLite would call it empty
    QVERIFY(tiny.open(QIODevice::WriteOnly));
    tiny.write("x");
    tiny.close();
    expectInputError(tiny.fileName().toStdString(), true, "not a TrustLab run store");
    QVERIFY(junk.size() == 4096 && tiny.size() == 1);  // nothing written over
  }
  void twoWritersLoseAndInterleaveNothing() {
    // Two processes write runs, metrics, tags and ledger rows into one store at once (as the GUI
    // and the CLI may): every row lands, each in its own run, and the file stays sound.
    const std::string p = path("two-writers.sqlite");
    { RunStore init(p); }
    constexpr int kRunsEach = 8, kBatches = 40;
    std::vector<pid_t> children;
    for (int writer = 0; writer < 2; ++writer) {
      const pid_t child = fork();
      if (child == 0) {
        try {
          RunStore store(p);
          for (int r = 0; r < kRunsEach; ++r) {
            const long long id = store.createRun("exp", "w" + std::to_string(writer) + "-" + std::to_string(r), "{}", "h",
                                                 unsigned(writer), captureRepro("cpu", 1));
            for (int b = 0; b < kBatches; ++b) {
              store.logMetrics(id, {{"train/loss", b, writer * 1000.0 + b, 1.0}, {"lr", b, double(writer), 1.0}});
              store.setTag(id, "writer", std::to_string(writer));
              store.logLedger(id, {long(b), 1.0, 0.01, double(b), 1e-5, "rdp"});
            }
            store.finishRun(id, "finished");
          }
        } catch (...) {
          _exit(1);
        }
        _exit(0);
      }
      children.push_back(child);
    }
    for (const pid_t c : children) {
      int status = 0;
      waitpid(c, &status, 0);
      QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a writer failed (busy store?)");
    }
    RunStore store(p);
    QCOMPARE(store.integrityCheck(), std::vector<std::string>{"ok"});
    const auto runs = store.listRuns();
    QCOMPARE(int(runs.size()), 2 * kRunsEach);
    for (const auto& r : runs) {
      QCOMPARE(r.status, std::string("finished"));
      const int writer = r.name[1] - '0';
      QCOMPARE(r.tags.at("writer"), std::to_string(writer));
      const auto loss = store.metricHistory(r.id, "train/loss");
      QCOMPARE(int(loss.size()), kBatches);
      for (int b = 0; b < kBatches; ++b) QCOMPARE(loss[size_t(b)].value, writer * 1000.0 + b);  // its own, in order
      QCOMPARE(int(store.ledger(r.id).size()), kBatches);
    }
  }
  void aFullDiskIsAClearErrorAndHarmsNoStoredRun() {
    // A file-size limit stands in for a full disk: writes fail with EFBIG (SIGXFSZ ignored).
    const std::string p = path("full.sqlite");
    long long kept = 0;
    {
      RunStore store(p);
      kept = store.createRun("exp", "kept", "{}", "h", 1, captureRepro("cpu", 1));
      store.logMetrics(kept, {{"train/loss", 1, 0.5, 1.0}});
      store.finishRun(kept, "finished");
    }
    const pid_t child = fork();
    if (child == 0) {
      signal(SIGXFSZ, SIG_IGN);
      const rlimit limit{rlim_t(std::filesystem::file_size(p) + 64 * 1024), rlim_t(std::filesystem::file_size(p) + 64 * 1024)};
      setrlimit(RLIMIT_FSIZE, &limit);
      try {
        RunStore store(p);
        const long long id = store.createRun("exp", "filling", "{}", "h", 1, captureRepro("cpu", 1));
        const std::string big(64 * 1024, 'x');
        for (int i = 0; i < 1000; ++i) store.setTag(id, "blob" + std::to_string(i), big);
      } catch (const StoreError& e) {
        const std::string what = e.what();
        _exit(what.find("full.sqlite") != std::string::npos ? 0 : 3);  // the error names the file
      } catch (...) {
        _exit(4);
      }
      _exit(5);  // the writes never failed
    }
    int status = 0;
    waitpid(child, &status, 0);
    QVERIFY2(WIFEXITED(status), "the writer crashed");
    QCOMPARE(WEXITSTATUS(status), 0);
    RunStore store(p);
    QCOMPARE(store.integrityCheck(), std::vector<std::string>{"ok"});
    const auto r = store.run(kept);
    QCOMPARE(r->status, std::string("finished"));
    QCOMPARE(store.metricHistory(kept, "train/loss").size(), size_t(1));
  }
  void runnerRecordsEverythingAndCheckpointLoads() {
    RunStore store(path("runner.sqlite"));
    ExperimentSpec spec;
    spec.model.type = "bag";
    spec.training.maxSteps = 30;
    spec.training.evalEvery = 15;
    spec.training.lr = 1e-2;
    RunOptions o;
    o.store = &store;
    const auto out = runExperiment(spec, o);
    QCOMPARE(out.status, std::string("finished"));
    const auto r = store.run(out.runId);
    QCOMPARE(r->status, std::string("finished"));
    ExperimentSpec trained = spec;  // the stored spec is the one trained: batch size and epochs chosen (auto)
    chooseHyperparameters(trained.training, out.trainExamples);
    QCOMPARE(r->specSha256, trained.sha256());
    QCOMPARE(r->specJson, trained.toJson());
    QVERIFY(!r->repro.libtorchVersion.empty() && !r->repro.host.empty() && r->repro.threads > 0);
    QCOMPARE(r->latestMetrics.at("test/accuracy"), out.test.accuracy);
    QCOMPARE(store.metricHistory(out.runId, "valid/accuracy").size(), size_t(2));
    const auto ck = loadCheckpoint(out.checkpointDir);
    QCOMPARE(ck.spec.sha256(), trained.sha256());
    QCOMPARE(long(ck.labels.size()), out.classes);
    const auto ids = torch::tensor({{2L, 3L, 4L}});
    QCOMPARE(ck.model->forward(ids, torch::tensor({3L})).size(1), int64_t(out.classes));
    // The store, its artifacts and the checkpoint (the training words, a model that can
    // memorise them) are the owner's alone, whatever the umask.
    QCOMPARE(mode(store.path()), 0600u);
    QCOMPARE(mode(store.path() + ".artifacts"), 0700u);
    QCOMPARE(mode(out.checkpointDir), 0700u);
  }
  void cancelledRunIsMarkedKilled() {
    RunStore store(path("cancelled.sqlite"));
    ExperimentSpec spec;
    spec.model.type = "bag";
    spec.training.maxSteps = 20;
    RunOptions o;
    o.store = &store;
    std::atomic<bool> stop{true};  // cancelled before the first step
    o.stop = &stop;
    const auto out = runExperiment(spec, o);
    QCOMPARE(store.run(out.runId)->status, std::string("killed"));
  }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "tst_run_store.moc"
