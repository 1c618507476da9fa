// Tests trustlab-cli as a user runs it: exit codes (0 ok, 2 bad input naming the file/field,
// 1 other failures), the --json contracts of train, attack, sweep and the dp benchmark, and the
// runs/datasets subcommands.
#include <QtTest>

#include <fstream>

#include <torch/torch.h>

#include "../support/names_corpus.h"
#include "models/hf_transformer.h"
#include "pretrained/hf_weights.h"
#include "pretrained/safetensors.h"
#include "store/checkpoint.h"
#include "store/run_store.h"

namespace {
struct Result {
  int code;
  QByteArray out, err;
};

Result run(const QString& program, const QStringList& args,
           const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
  QProcess p;
  p.setProcessEnvironment(env);
  p.start(QString(TRUSTLAB_BIN_DIR) + "/" + program, args);
  if (!p.waitForFinished(300000)) return {-1, {}, "timeout"};
  return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

Result cli(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
  return run("trustlab-cli", args, env);
}

/// A Hugging Face folder with `configJson` and seeded random weights of its shapes, and the
/// WordPiece vocabulary `vocab` (one token per line) when given.
void writeRandomHfFolder(const QString& dir, const std::string& configJson, const char* vocab = nullptr) {
  if (vocab) std::ofstream((dir + "/vocab.txt").toStdString()) << vocab;
  std::ofstream((dir + "/config.json").toStdString()) << configJson;
  torch::manual_seed(0);
  const auto config = trustlab::HfConfig::fromJson(configJson, "test config");
  trustlab::HfTransformer model(config);
  trustlab::saveHfWeights(*model, config.modelType, (dir + "/model.safetensors").toStdString());
}
const char* const kTinyBert = R"({"model_type":"bert","hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,
    "intermediate_size":16,"max_position_embeddings":16,"vocab_size":7})";

QString runId(const Result& r) { return QString::number(QJsonDocument::fromJson(r.out).object()["run_id"].toInteger()); }
}  // namespace

class TestCli : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString store() const { return dir_.path() + "/cli.sqlite"; }

 private Q_SLOTS:
  void trainJsonContractAndRuns() {
    const auto r = cli({"train", "--model", "bag", "--max-steps", "40", "--batch-size", "32", "--lr", "0.01",
                        "--store", store(), "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto j = QJsonDocument::fromJson(r.out).object();
    for (const char* key : {"run_id", "test_accuracy", "test_macro_f1", "valid_accuracy", "seconds"})
      QVERIFY2(j.contains(key), key);
    QVERIFY(j["test_accuracy"].toDouble() > 0.2);
    const QString id = QString::number(j["run_id"].toInteger());

    auto list = cli({"runs", "list", "--store", store(), "--json"});
    QCOMPARE(list.code, 0);
    QCOMPARE(QJsonDocument::fromJson(list.out).object()["runs"].toArray().size(), 1);
    auto show = cli({"runs", "show", id, "--store", store(), "--json"});
    QCOMPARE(show.code, 0);
    const auto run = QJsonDocument::fromJson(show.out).object();
    QCOMPARE(run["status"].toString(), QString("finished"));
    QVERIFY(!run["reproducibility"].toObject()["libtorch_version"].toString().isEmpty());
    auto csv = cli({"runs", "export", id, "--csv", "--store", store()});
    QCOMPARE(csv.code, 0);
    QVERIFY(csv.out.startsWith("run_id,key,step,value,timestamp\n"));
    QVERIFY(csv.out.contains(",valid/accuracy,"));
    QVERIFY(cli({"runs", "list", "--store", store()}).out.contains("finished"));
    // The default name says what differs from the defaults.
    QCOMPARE(run["name"].toString().left(4), QString("bag "));
    QVERIFY2(run["name"].toString().contains("lr=0.01"), qPrintable(run["name"].toString()));
  }
  void runsTagAndNote() {
    const auto r = cli({"train", "--model", "bag", "--max-steps", "5", "--store", store(), "--json", "--no-checkpoint"});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString id = QString::number(QJsonDocument::fromJson(r.out).object()["run_id"].toInteger());
    QCOMPARE(cli({"runs", "tag", id, "baseline", "figure=3", "--store", store()}).code, 0);
    QCOMPARE(cli({"runs", "note", id, "first", "try,", "lr", "too", "low", "--store", store()}).code, 0);
    const auto tags = QJsonDocument::fromJson(cli({"runs", "show", id, "--store", store(), "--json"}).out)
                          .object()["tags"].toObject();
    QCOMPARE(tags["baseline"].toString(), QString(""));
    QCOMPARE(tags["figure"].toString(), QString("3"));
    QCOMPARE(tags["note"].toString(), QString("first try, lr too low"));
    // A record of the engine is not the researcher's to overwrite; nothing is written then.
    const auto refused = cli({"runs", "tag", id, "ok=1", "privacy.secure_mode=true", "--store", store()});
    QCOMPARE(refused.code, 2);
    QVERIFY2(refused.err.contains("privacy.secure_mode"), refused.err.constData());
    QVERIFY(!QJsonDocument::fromJson(cli({"runs", "show", id, "--store", store(), "--json"}).out)
                 .object()["tags"].toObject().contains("ok"));
    QCOMPARE(cli({"runs", "tag", id, "--store", store()}).code, 2);
    // Chosen by expression over fields, metrics, params and tags.
    const auto where = [&](const char* expr) {
      return QJsonDocument::fromJson(cli({"runs", "list", "--where", expr, "--store", store(), "--json"}).out)
          .object()["runs"].toArray().size();
    };
    QCOMPARE(where("figure = 3 and note ~ LOW"), 1);
    QVERIFY(where("test/accuracy >= 0") >= 1);
    // Grouped by a tag: the tagged run alone, the others under "(none)", each with its metrics' means.
    const auto grouped = cli({"runs", "list", "--group-by", "figure", "--store", store(), "--json"});
    QVERIFY2(grouped.code == 0, grouped.err.constData());
    const auto groups = QJsonDocument::fromJson(grouped.out).object()["groups"].toArray();
    QCOMPARE(groups.size(), 2);
    QCOMPARE(groups[0].toObject()["group"].toString(), QString("3"));
    QCOMPARE(groups[0].toObject()["runs"].toArray().size(), 1);
    QCOMPARE(groups[0].toObject()["runs"][0].toInteger(), id.toLongLong());
    QCOMPARE(groups[1].toObject()["group"].toString(), QString("(none)"));
    QVERIFY(groups[0].toObject()["metrics"].toObject().contains("test/accuracy"));
    QVERIFY(cli({"runs", "list", "--group-by", "experiment", "--store", store()}).out.contains("test_acc"));
    // The same choice exported for MLflow and TensorBoard.
    const auto exported = cli({"runs", "export", "--where", "figure = 3", "--mlflow", dir_.path() + "/mlruns",
                               "--tensorboard", dir_.path() + "/tb", "--store", store(), "--json"});
    QVERIFY2(exported.code == 0, exported.err.constData());
    const auto exports = QJsonDocument::fromJson(exported.out).object();
    QCOMPARE(exports["mlflow"].toObject()["runs"].toInt(), 1);
    QCOMPARE(exports["tensorboard"].toObject()["runs"].toInt(), 1);
    QVERIFY(exports["mlflow"].toObject()["metric_points"].toInt() > 0);
    QCOMPARE(cli({"runs", "export", "--where", "figure = 4", "--mlflow", dir_.path() + "/none", "--store", store()}).code, 2);
    const auto report = cli({"report", id, "--output", dir_.path() + "/report", "--metrics", "train/loss", "--store", store(), "--json"});
    QVERIFY2(report.code == 0, report.err.constData());
    QVERIFY(QFileInfo::exists(dir_.path() + "/report/report.md"));
    QVERIFY(QFileInfo::exists(dir_.path() + "/report/figure-train-loss.tex"));
    QCOMPARE(cli({"report", id, "--store", store()}).code, 2);  // no --output
    const auto bad = cli({"runs", "list", "--where", "test/accuracy >", "--store", store()});
    QCOMPARE(bad.code, 2);
    QVERIFY2(bad.err.contains("column"), bad.err.constData());
    QCOMPARE(cli({"runs", "note", "999", "x", "--store", store()}).code, 2);
  }
  void resumeAfterKillNineIsBitIdentical() {
    const QString resumeStore = dir_.path() + "/resume.sqlite";
    const QStringList args = {"train", "--model", "bilstm", "--embedding-dim", "32", "--hidden-size", "32",
                              "--max-steps", "600", "--batch-size", "32", "--log-every", "5", "--eval-every", "100",
                              "--schedule", "cosine", "--seed", "7", "--store", resumeStore, "--json"};
    QProcess doomed;
    doomed.start(QString(TRUSTLAB_BIN_DIR) + "/trustlab-cli", QStringList(args) << "--checkpoint-every" << "20");
    QVERIFY(doomed.waitForStarted());
    // Killed (SIGKILL: no clean-up at all) once it has logged past a saved state.
    long reached = 0;
    for (int i = 0; i < 6000 && reached < 45 && doomed.state() == QProcess::Running; ++i) {
      QTest::qWait(10);
      try {
        const trustlab::RunStore db(resumeStore.toStdString(), true);
        const auto history = db.metricHistory(1, "train/loss");
        if (!history.empty()) reached = history.back().step;
      } catch (const std::exception&) {
        // Not created yet.
      }
    }
    doomed.kill();
    doomed.waitForFinished();
    QVERIFY2(reached >= 45 && reached < 600, qPrintable(QString::number(reached)));
    const auto killed = QJsonDocument::fromJson(cli({"runs", "show", "1", "--store", resumeStore, "--json"}).out).object();
    QCOMPARE(killed["status"].toString(), QString("killed"));
    const auto resumed = cli({"train", "--resume", "1", "--store", resumeStore, "--json"});
    QVERIFY2(resumed.code == 0, resumed.err.constData());
    const auto whole = cli(args);
    QVERIFY2(whole.code == 0, whole.err.constData());
    const auto a = QJsonDocument::fromJson(resumed.out).object(), b = QJsonDocument::fromJson(whole.out).object();
    QCOMPARE(a["run_id"].toInteger(), 1);
    QCOMPARE(a["status"].toString(), QString("finished"));
    QCOMPARE(a["steps"].toInteger(), b["steps"].toInteger());
    QCOMPARE(a["test_accuracy"].toDouble(), b["test_accuracy"].toDouble());
    QCOMPARE(a["valid_accuracy"].toDouble(), b["valid_accuracy"].toDouble());
    const auto x = trustlab::loadCheckpoint(a["checkpoint"].toString().toStdString()).model->parameters();
    const auto y = trustlab::loadCheckpoint(b["checkpoint"].toString().toStdString()).model->parameters();
    for (size_t i = 0; i < x.size(); ++i) QVERIFY(torch::equal(x[i], y[i]));
    // Nothing may change what the run was; a finished run has nothing to resume.
    const auto changed = cli({"train", "--resume", "1", "--lr", "0.1", "--store", resumeStore});
    QCOMPARE(changed.code, 2);
    QVERIFY2(changed.err.contains("--lr"), changed.err.constData());
    const auto finished = cli({"train", "--resume", "1", "--store", resumeStore});
    QCOMPARE(finished.code, 2);
    QVERIFY2(finished.err.contains("finished"), finished.err.constData());
    QCOMPARE(cli({"train", "--resume", "x", "--store", resumeStore}).code, 2);
  }
  void predictWithSaliencyAndCounterfactual() {
    const auto trained = cli({"train", "--model", "bag", "--max-steps", "40", "--store", store(), "--json"});
    QVERIFY2(trained.code == 0, trained.err.constData());
    const QString id = runId(trained);
    const auto r = cli({"predict", "--run", id, "--text", "Remind him to call his mother", "--saliency",
                        "--counterfactual", "--store", store(), "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto j = QJsonDocument::fromJson(r.out).object();
    QVERIFY(!j["label"].toString().isEmpty());
    QVERIFY(j["probabilities"].toObject().contains(j["label"].toString()));
    const auto saliency = j["saliency"].toArray();
    QCOMPARE(saliency.size(), 6);
    QCOMPARE(saliency[1].toObject()["token"].toString(), QString("him"));
    QCOMPARE(saliency[1].toObject()["offsets"].toArray()[0].toInt(), 7);
    QVERIFY(saliency[1].toObject().contains("integrated_gradients"));
    QVERIFY(j["integrated_gradients_completeness_gap"].toDouble() < 0.05);
    QCOMPARE(j["counterfactual"].toObject()["text"].toString(), QString("Remind her to call her father"));
    QCOMPARE(j["swaps"].toArray().size(), 3);
    const auto plain = cli({"predict", "--run", id, "--text", "play jazz", "--store", store()});
    QVERIFY2(plain.code == 0 && plain.out.contains("label "), plain.out.constData());
    QCOMPARE(cli({"predict", "--run", id, "--store", store()}).code, 2);  // no text
    const auto unknown = cli({"predict", "--run", "999", "--text", "x", "--store", store()});
    QCOMPARE(unknown.code, 2);
    QVERIFY2(unknown.err.contains("run 999"), unknown.err.constData());
    // Tags come off again and the run is renamed.
    QCOMPARE(cli({"runs", "tag", id, "draft", "--store", store()}).code, 0);
    QCOMPARE(cli({"runs", "untag", id, "draft", "--store", store()}).code, 0);
    QCOMPARE(cli({"runs", "untag", id, "checkpoint", "--store", store()}).code, 2);
    QCOMPARE(cli({"runs", "rename", id, "bag", "baseline", "--store", store()}).code, 0);
    const auto shown = QJsonDocument::fromJson(cli({"runs", "show", id, "--store", store(), "--json"}).out).object();
    QCOMPARE(shown["name"].toString(), QString("bag baseline"));
    QVERIFY(!shown["tags"].toObject().contains("draft"));
  }
  void attackAndSweepJsonContracts() {
    QFile spec(dir_.path() + "/canary.json");
    QVERIFY(spec.open(QIODevice::WriteOnly));
    spec.write(R"({"model": {"type": "bag", "embedding_dim": 16}, "training": {"max_steps": 30, "batch_size": 64},
                   "audit": {"canaries": 1, "canary_length": 3, "audit_examples": 100}})");
    spec.close();
    const auto train = cli({"train", spec.fileName(), "--store", store(), "--json"});
    QVERIFY2(train.code == 0, train.err.constData());
    const QString id = QString::number(QJsonDocument::fromJson(train.out).object()["run_id"].toInteger());
    const auto mia = cli({"attack", "mia", "--run", id, "--store", store(), "--json"});
    QVERIFY2(mia.code == 0, mia.err.constData());
    const auto m = QJsonDocument::fromJson(mia.out).object();
    for (const char* key : {"auc", "tpr_at_0.1pct_fpr", "tpr_at_1pct_fpr", "advantage", "epsilon_lower_bound"})
      QVERIFY2(m.contains(key), key);
    QVERIFY(m["auc"].toDouble() > 0 && m["auc"].toDouble() < 1);
    const auto canary = cli({"attack", "canary", "--run", id, "--store", store(), "--steps", "20", "--json"});
    QVERIFY2(canary.code == 0, canary.err.constData());
    const auto c = QJsonDocument::fromJson(canary.out).object();
    for (const char* key : {"exposure", "tokens_recovered", "extracted"}) QVERIFY2(c.contains(key), key);
    QVERIFY(c["exposure"].toDouble() >= 0 && c["exposure"].toDouble() <= std::log2(1000.0) + 1e-9);
    const auto missing = cli({"attack", "mia", "--store", store()});
    QCOMPARE(missing.code, 2);
    QVERIFY(missing.err.contains("--run"));
    // The same audits from the registry: listed with what they record, run by name.
    const auto list = cli({"audit", "list", "--json"});
    QVERIFY2(list.code == 0, list.err.constData());
    QStringList names;
    for (const auto& v : QJsonDocument::fromJson(list.out).array()) {
      const auto audit = v.toObject();
      names << audit["name"].toString();
      QVERIFY2(!audit["metrics"].toArray().isEmpty(), qPrintable(audit["name"].toString()));
    }
    for (const char* name : {"membership", "canary", "fairness", "weat", "eec"}) QVERIFY2(names.contains(name), name);
    const auto viaAudit = cli({"audit", "membership", "--with", "loss", "--run", id, "--store", store(), "--json"});
    QVERIFY2(viaAudit.code == 0, viaAudit.err.constData());
    QCOMPARE(QJsonDocument::fromJson(viaAudit.out).object()["auc"].toDouble(), m["auc"].toDouble());  // same seed, same audit
    const auto text = cli({"audit", "membership", "--run", id, "--store", store()});
    QVERIFY2(text.out.contains("AUC") && text.out.contains("roc-loss.json"), text.out.constData());
    const auto typo = cli({"audit", "membership", "--with", "lria", "--run", id, "--store", store()});
    QCOMPARE(typo.code, 2);
    QVERIFY2(typo.err.contains("--with") && typo.err.contains("lira"), typo.err.constData());
    const auto noFile = cli({"audit", "weat", "--run", id, "--store", store()});
    QCOMPARE(noFile.code, 2);
    QVERIFY2(noFile.err.contains("--with"), noFile.err.constData());
    QCOMPARE(cli({"audit", "shap", "--run", id, "--store", store()}).code, 2);
    // The white-box audit needs a private run; on one it bounds ε from below, never above theory.
    const auto notPrivate = cli({"attack", "whitebox", "--run", id, "--store", store()});
    QCOMPARE(notPrivate.code, 2);
    QVERIFY2(notPrivate.err.contains("private"), notPrivate.err.constData());
    const auto privateRun = cli({"train", spec.fileName(), "--dp", "edp", "--target-epsilon", "4", "--store", store(), "--json"});
    QVERIFY2(privateRun.code == 0, privateRun.err.constData());
    const QString privateId = QString::number(QJsonDocument::fromJson(privateRun.out).object()["run_id"].toInteger());
    const auto whiteBox = cli({"attack", "whitebox", "--run", privateId, "--canaries", "20000", "--trainings", "1",
                               "--store", store(), "--json"});
    QVERIFY2(whiteBox.code == 0, whiteBox.err.constData());
    const auto w = QJsonDocument::fromJson(whiteBox.out).object();
    for (const char* key : {"epsilon_lower_bound", "theoretical_epsilon", "canaries", "steps", "auc"}) QVERIFY2(w.contains(key), key);
    QVERIFY(w["epsilon_lower_bound"].toDouble() <= w["theoretical_epsilon"].toDouble());
    QCOMPARE(cli({"attack", "whitebox", "--run", privateId, "--canaries", "1", "--store", store()}).code, 2);
    // Studies: listed from their registry; a typo is named with the closest one.
    const auto studies = cli({"study", "list"});
    QVERIFY2(studies.code == 0 && studies.out.contains("dp-audit"), studies.out.constData());
    const auto studyTypo = cli({"study", "dp-audti", "--store", store()});
    QCOMPARE(studyTypo.code, 2);
    QVERIFY2(studyTypo.err.contains("dp-audit"), studyTypo.err.constData());
    const auto sizeTypo = cli({"study", "dp-audit", "--size", "tiny", "--store", store()});
    QCOMPARE(sizeTypo.code, 2);
    QVERIFY2(sizeTypo.err.contains("smoke") && sizeTypo.err.contains("quick"), sizeTypo.err.constData());
    QCOMPARE(cli({"study", "dp-audit", "--quick", "--size", "full", "--store", store()}).code, 2);

    QFile sweep(dir_.path() + "/sweep.json");
    QVERIFY(sweep.open(QIODevice::WriteOnly));
    sweep.write(R"({"name": "cli", "base": {"model": {"type": "bag", "embedding_dim": 16},
                   "training": {"max_steps": 10, "batch_size": 128, "eval_every": 0}},
                   "grid": {"training.lr": [0.01, 0.03], "target_epsilon": ["inf", 4]}})");
    sweep.close();
    const auto s = cli({"sweep", sweep.fileName(), "--store", store(), "--json"});
    QVERIFY2(s.code == 0, s.err.constData());
    const auto cells = QJsonDocument::fromJson(s.out).object()["cells"].toArray();
    QCOMPARE(cells.size(), 4);
    QCOMPARE(cells[0].toObject()["epsilon"].toString(), QString("inf"));
    QCOMPARE(cells[0].toObject()["settings"].toObject()["training.lr"].toString(), QString("0.01"));
    QVERIFY(cells[1].toObject()["metrics"].toObject().contains("test/accuracy"));
    const auto table = cli({"sweep", sweep.fileName(), "--store", store()});  // all reused: prints the table
    QVERIFY2(table.code == 0 && table.out.contains("training.lr=0.03"), table.out.constData());
  }
  void sweepOverProcessesMatchesSerial() {
    // --nproc 2: two processes share the points (and the store); every point's run is the one a
    // serial sweep makes, so the table is identical (threads fixed: LibTorch's sums depend on them).
    QFile sweep(dir_.path() + "/sweep-nproc.json");
    QVERIFY(sweep.open(QIODevice::WriteOnly));
    sweep.write(R"({"name": "nproc", "base": {"model": {"type": "bag", "embedding_dim": 16},
                   "training": {"max_steps": 8, "batch_size": 64, "eval_every": 0, "threads": 1},
                   "audit": {"mia": "loss"}},
                   "grid": {"training.lr": [0.01, 0.03], "target_epsilon": ["inf", 4], "seed": [1, 2]}})");
    sweep.close();
    const QString serialStore = dir_.path() + "/serial.sqlite", parallelStore = dir_.path() + "/parallel.sqlite";
    const auto serial = cli({"sweep", sweep.fileName(), "--store", serialStore, "--json"});
    QVERIFY2(serial.code == 0, serial.err.constData());
    const auto parallel = cli({"sweep", sweep.fileName(), "--nproc", "2", "--store", parallelStore, "--json"});
    QVERIFY2(parallel.code == 0, parallel.err.constData());
    const auto a = QJsonDocument::fromJson(serial.out).object(), b = QJsonDocument::fromJson(parallel.out).object();
    QCOMPARE(b["ran"].toInt(), 4);  // rank 0's share; the other process ran the rest
    const auto ca = a["cells"].toArray(), cb = b["cells"].toArray();
    QCOMPARE(ca.size(), 4);
    QCOMPARE(cb.size(), ca.size());
    for (int i = 0; i < ca.size(); ++i) {
      QCOMPARE(cb[i].toObject()["runs"].toInt(), 2);
      QCOMPARE(cb[i].toObject()["metrics"], ca[i].toObject()["metrics"]);
    }
    QCOMPARE(cli({"sweep", sweep.fileName(), "--nproc", "0", "--store", parallelStore}).code, 2);
  }
  void studyOverProcessesMatchesSerial() {
    // The smoke DP-audit study's grid over two processes: the same headline numbers as serially
    // (one thread each way: LibTorch's sums may depend on the thread count).
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("OMP_NUM_THREADS", "1");
    auto study = [&](const QString& name, const QStringList& more) {
      const auto r = cli(QStringList{"study", "dp-audit", "--size", "smoke", "--store", dir_.path() + "/" + name + ".sqlite",
                                     "--output", dir_.path() + "/" + name, "--json"} + more, env);
      if (r.code != 0) qWarning("%s", r.err.constData());
      return QJsonDocument::fromJson(r.out).object();
    };
    const auto serial = study("study-serial", {}), parallel = study("study-parallel", {"--nproc", "2"});
    QVERIFY(!serial.isEmpty() && !parallel.isEmpty());
    QCOMPARE(parallel["processes"].toInt(), 2);
    QVERIFY(parallel["ran"].toInt() < serial["ran"].toInt());  // the other process trained the rest
    QCOMPARE(parallel["headline"], serial["headline"]);
  }
  void liraShadowsOverProcessesMatchSerialAndAreKept() {
    // LiRA's shadows over two processes give the serial audit's numbers; they are kept beside the
    // run, so a rerun reads them; a damaged one is trained again, not trusted.
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("OMP_NUM_THREADS", "1");
    const QString store = dir_.path() + "/lira.sqlite";
    const auto trained = cli({"train", "--model", "bag", "--embedding-dim", "16", "--max-steps", "30", "--store", store, "--json"}, env);
    QVERIFY2(trained.code == 0, trained.err.constData());
    const QString run = QString::number(QJsonDocument::fromJson(trained.out).object()["run_id"].toInt());
    const QString kept = store + ".artifacts/run-" + run + "/lira-shadows";
    auto mia = [&](const QStringList& more) {
      const auto r = cli(QStringList{"attack", "mia", "--run", run, "--method", "lira", "--shadows", "4",
                                     "--audit-examples", "60", "--store", store, "--json"} + more, env);
      if (r.code != 0) qWarning("%s", r.err.constData());
      return QJsonDocument::fromJson(r.out).object();
    };
    const auto serial = mia({});
    QCOMPARE(serial["shadows_reused"].toInt(), 0);
    QVERIFY(QDir(kept).removeRecursively());
    const auto parallel = mia({"--nproc", "2"});
    QCOMPARE(parallel["shadows_reused"].toInt(), 2);  // the other process's share
    for (const char* key : {"auc", "tpr_at_1pct_fpr", "advantage", "epsilon_point_estimate"})
      QCOMPARE(parallel[key].toDouble(), serial[key].toDouble());
    QFile damaged(kept + "/shadow-0.json");
    QVERIFY(damaged.open(QIODevice::WriteOnly));
    damaged.write("{\"fingerprint\": 1");
    damaged.close();
    const auto again = mia({});
    QCOMPARE(again["shadows_reused"].toInt(), 3);
    QCOMPARE(again["auc"].toDouble(), serial["auc"].toDouble());
  }
  void flJsonContract() {
    const auto r = cli({"fl", "--model", "bag", "--partition", "dirichlet", "--alpha", "1", "--clients", "20",
                        "--rounds", "3", "--clients-per-round", "5", "--selection", "activity", "--algorithm",
                        "fedadam", "--server-lr", "0.01", "--store", store(), "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto j = QJsonDocument::fromJson(r.out).object();
    for (const char* key : {"run_id", "final_accuracy", "rounds", "simulated_seconds", "seconds"}) QVERIFY2(j.contains(key), key);
    QCOMPARE(j["rounds"].toInt(), 3);
    QVERIFY(j["final_accuracy"].toDouble() > 0.1);
    const auto dp = cli({"fl", "--model", "bag", "--partition", "iid", "--clients", "50", "--rounds", "4",
                         "--clients-per-round", "5", "--user-dp", "--user-target-epsilon", "3", "--store", store(),
                         "--json"});
    QVERIFY2(dp.code == 0, dp.err.constData());
    const auto p = QJsonDocument::fromJson(dp.out).object()["privacy"].toObject();
    QVERIFY(p["epsilon"].toDouble() <= 3 + 1e-9 && p["epsilon"].toDouble() > 2.9);
    // A word language model learns next-word prediction from the users, judged on held-out ones.
    const auto lm = cli({"fl", "--objective", "next_word", "--model", "transformer", "--embedding-dim", "16",
                         "--layers", "1", "--split-by-user", "--max-length", "16", "--rounds", "2",
                         "--clients-per-round", "4", "--store", store(), "--json"});
    QVERIFY2(lm.code == 0, lm.err.constData());
    const auto words = QJsonDocument::fromJson(lm.out).object();
    QCOMPARE(words["objective"].toString(), QString("next_word"));
    QVERIFY(words["test"].toObject()["perplexity"].toDouble() > 1);
    QVERIFY(words["test"].toObject().contains("top3_accuracy"));
    QVERIFY(!words.contains("final_macro_f1"));  // no classes, no macro-F1
    const auto noWords = cli({"fl", "--objective", "next_word", "--model", "bag", "--store", store()});
    QCOMPARE(noWords.code, 2);
    QVERIFY2(noWords.err.contains("cannot predict words"), noWords.err.constData());
    const auto bad = cli({"fl", "--partition", "shardz", "--store", store()});
    QCOMPARE(bad.code, 2);
    QVERIFY(bad.err.contains("--partition"));
    QVERIFY2(bad.err.contains("did you mean 'shards'"), bad.err.constData());  // the plugin's partition
  }
  void flPreviewAndExampleLevelDp() {
    const auto preview = cli({"fl", "--partition", "clusters", "--clusters", "5", "--clients", "30", "--alpha", "0.2",
                              "--preview", "--json"});
    QVERIFY2(preview.code == 0, preview.err.constData());
    const auto p = QJsonDocument::fromJson(preview.out).object();
    QCOMPARE(p["clients"].toInt(), 30);
    QCOMPARE(p["sizes"].toArray().size(), 30);
    QCOMPARE(p["labels_per_client"].toArray().size(), 30);
    const auto dp = cli({"fl", "--model", "bag", "--partition", "iid", "--clients", "20", "--rounds", "2",
                         "--clients-per-round", "4", "--dp", "edp", "--noise-multiplier", "1", "--store", store(), "--json"});
    QVERIFY2(dp.code == 0, dp.err.constData());
    const auto e = QJsonDocument::fromJson(dp.out).object()["privacy"].toObject()["example_level"].toObject();
    QVERIFY(e["worst_client_epsilon"].toDouble() > 0);
    const auto target = cli({"fl", "--dp", "edp", "--target-epsilon", "3", "--store", store()});
    QCOMPARE(target.code, 2);
  }
  void fairnessJsonContracts() {
    QString ids[2];
    for (int cda = 0; cda < 2; ++cda) {
      QStringList args = {"train", "--model", "bag", "--epochs", "2", "--store", store(), "--json"};
      if (cda) args << "--cda";
      const auto r = cli(args);
      QVERIFY2(r.code == 0, r.err.constData());
      ids[cda] = QString::number(QJsonDocument::fromJson(r.out).object()["run_id"].toInteger());
    }
    double flips[2];
    for (int cda = 0; cda < 2; ++cda) {
      const auto f = cli({"fairness", "classifier", "--run", ids[cda], "--store", store(), "--bootstrap", "50", "--json"});
      QVERIFY2(f.code == 0, f.err.constData());
      const auto j = QJsonDocument::fromJson(f.out).object();
      for (const char* key : {"dp_difference", "eo_difference", "flip_rate", "ctf_gap", "gm_bpsn_auc", "groups", "pairs",
                              "ppv_difference"})  // the last from the fairness_ppv plugin
        QVERIFY2(j.contains(key), key);
      QVERIFY(j["groups"].toObject().contains("female") && j["groups"].toObject().contains("male"));
      const auto ci = j["dp_difference"].toObject()["ci95"].toArray();
      QVERIFY(ci[0].toDouble() <= ci[1].toDouble());
      QVERIFY(j["counterfactual_pairs"].toInt() > 100);
      flips[cda] = j["flip_rate"].toObject()["value"].toDouble();
    }
    QVERIFY2(flips[1] <= flips[0], qPrintable(QString("CDA %1 vs plain %2").arg(flips[1]).arg(flips[0])));
    // A dataset that names no gender: the audit still runs; aps has no protected-status model.
    QFile csv(dir_.path() + "/no_gender.csv");
    QVERIFY(csv.open(QIODevice::WriteOnly));
    csv.write("text,label\n");
    for (int i = 0; i < 120; ++i)
      csv.write(i % 2 ? QByteArray("play some jazz number ") + QByteArray::number(i) + ",music\n"
                      : QByteArray("set a timer for ") + QByteArray::number(i) + " minutes,timer\n");
    csv.close();
    const auto plain = cli({"train", "--dataset", csv.fileName(), "--model", "bag", "--epochs", "1", "--store", store(), "--json"});
    QVERIFY2(plain.code == 0, plain.err.constData());
    const auto none = cli({"fairness", "classifier", "--run",
                           QString::number(QJsonDocument::fromJson(plain.out).object()["run_id"].toInteger()), "--store",
                           store(), "--bootstrap", "20", "--json"});
    QVERIFY2(none.code == 0, none.err.constData());
    const auto nj = QJsonDocument::fromJson(none.out).object();
    QVERIFY(nj["aps"].toObject()["value"].isNull());
    QCOMPARE(nj["counterfactual_pairs"].toInt(), 0);
    // WEAT on the model's embeddings, with a test written in the default corpus's words.
    QFile test(dir_.path() + "/names.jsonl");
    QVERIFY(test.open(QIODevice::WriteOnly));
    test.write(R"({"targ1": {"category": "Male", "examples": ["james", "john", "robert", "michael"]},
                   "targ2": {"category": "Female", "examples": ["mary", "patricia", "linda", "barbara"]},
                   "attr1": {"category": "Alarm", "examples": ["alarm", "wake", "timer"]},
                   "attr2": {"category": "Food", "examples": ["recipe", "dinner", "cook"]}})");
    test.close();
    const auto w = cli({"fairness", "weat", "--test", test.fileName(), "--run", ids[0], "--store", store(), "--json"});
    QVERIFY2(w.code == 0, w.err.constData());
    const auto wj = QJsonDocument::fromJson(w.out).object();
    QVERIFY(wj.contains("effect_size") && wj.contains("p_value"));
    QVERIFY(wj["exact"].toBool());  // C(8, 4) = 70 partitions
    QVERIFY(wj["p_value"].toDouble() >= 1.0 / 70 && wj["p_value"].toDouble() <= 1);
    // CEAT on the run's contextual states, in sentences of a corpus given as a flag or a setting.
    const QString corpus = dir_.path() + "/corpus.txt";
    QVERIFY(trustlab::test::writeNamesCorpus(corpus));
    const auto c = cli({"fairness", "ceat", "--run", ids[0], "--test", test.fileName(), "--corpus", corpus,
                        "--samples", "30", "--store", store(), "--json"});
    QVERIFY2(c.code == 0, c.err.constData());
    const auto cj = QJsonDocument::fromJson(c.out).object();
    QCOMPARE(cj["samples"].toInt(), 30);
    QVERIFY(std::isfinite(cj["combined_effect_size"].toDouble()) && cj["p_value"].toDouble() <= 1);
    const auto viaSet = cli({"audit", "ceat", "--run", ids[0], "--with", test.fileName(), "--set",
                             "corpus=" + corpus + ",samples=30", "--store", store(), "--json"});
    QVERIFY2(viaSet.code == 0, viaSet.err.constData());
    QCOMPARE(QJsonDocument::fromJson(viaSet.out).object()["combined_effect_size"].toDouble(), cj["combined_effect_size"].toDouble());
    const auto badSetting = cli({"audit", "ceat", "--run", ids[0], "--set", "corpuss=x", "--store", store()});
    QCOMPARE(badSetting.code, 2);
    QVERIFY2(badSetting.err.contains("corpuss") && badSetting.err.contains("corpus,"), badSetting.err.constData());
    const auto badSamples = cli({"fairness", "ceat", "--run", ids[0], "--samples", "1", "--store", store()});
    QCOMPARE(badSamples.code, 2);
    QVERIFY2(badSamples.err.contains("--samples"), badSamples.err.constData());
    const QString eec = QString(TRUSTLAB_TEST_DATA_DIR) + "/eec/Equity-Evaluation-Corpus.csv";
    if (QFile::exists(eec)) {
      const auto e = cli({"fairness", "eec", "--run", ids[0], "--positive", "call_contact", "--file", eec, "--store",
                          store(), "--json"});
      QVERIFY2(e.code == 0, e.err.constData());
      const auto overall = QJsonDocument::fromJson(e.out).object()["overall"].toObject();
      QCOMPARE(overall["pairs"].toInt(), 432);  // 11 templates × emotion words × races with both genders
      QVERIFY(overall["p_value"].toDouble() >= 0 && overall["p_value"].toDouble() <= 1);
      QCOMPARE(cli({"fairness", "eec", "--run", ids[0], "--file", eec, "--store", store()}).code, 2);  // no positive class
    }
    const auto missing = cli({"fairness", "weat", "--run", ids[0], "--store", store()});
    QCOMPARE(missing.code, 2);
    QVERIFY(missing.err.contains("--test"));
  }
  void distillJsonContract() {
    QStringList args = {"fairness", "distill", "--method", "perturb", "--sentences", "400", "--epochs", "1",
                        "--teacher-epochs", "1", "--downstream", "default", "--downstream-steps", "5", "--store", store(),
                        "--json"};
    const QString bold = QString(TRUSTLAB_TEST_DATA_DIR) + "/bold/prompts/gender_prompt.json";
    if (QFile::exists(bold)) args << "--bold-prompts" << bold << "--bold-per-group" << "5";
    const auto r = cli(args);
    QVERIFY2(r.code == 0, r.err.constData());
    const auto j = QJsonDocument::fromJson(r.out).object();
    for (const char* key : {"run_id", "gender_disparity", "perplexity", "teacher_gender_disparity"}) QVERIFY2(j.contains(key), key);
    QVERIFY(j["perplexity"].toDouble() > 1);
    QVERIFY(j["gender_disparity"].toDouble() >= 0 && j["gender_disparity"].toDouble() <= 1);
    if (QFile::exists(bold)) QCOMPARE(j["bold"].toObject()["groups"].toObject().size(), 2);
    // The student is a Hugging Face folder beside its run, fine-tuned downstream as a run of its own.
    const QString folder = j["model_folder"].toString();
    for (const char* file : {"config.json", "tokenizer.json", "model.safetensors"}) QVERIFY2(QFile::exists(folder + "/" + file), file);
    const auto downstream = j["downstream"].toObject();
    QVERIFY2(downstream.contains("test/accuracy") && downstream.contains("fairness/flip_rate"), r.out.constData());
    const auto shown = cli({"runs", "show", QString::number(j["downstream_run"].toInteger()), "--store", store(), "--json"});
    QVERIFY2(shown.code == 0 && shown.out.contains(folder.toUtf8()), shown.out.constData());
    const auto generated = cli({"model", "generate", folder, "--prompt", "the nurse said that", "--max-new-tokens", "3", "--json"});
    QVERIFY2(generated.code == 0, generated.err.constData());
    QCOMPARE(QJsonDocument::fromJson(generated.out).object()["ids"].toArray().size(), 3);
    const auto c = cli({"fairness", "ceat", "--sentences", "800", "--teacher-epochs", "1", "--samples", "50", "--json"});
    QVERIFY2(c.code == 0, c.err.constData());
    const auto cj = QJsonDocument::fromJson(c.out).object();
    for (const char* key : {"combined_effect_size", "p_value", "tau2", "samples"}) QVERIFY2(cj.contains(key), key);
    QCOMPARE(cj["samples"].toInt(), 50);
    const auto bad = cli({"fairness", "distill", "--method", "swap", "--store", store()});
    QCOMPARE(bad.code, 2);
    QVERIFY(bad.err.contains("--method"));
    // A downstream task that cannot load is named before a teacher trains.
    const auto badTask = cli({"fairness", "distill", "--downstream", "nosuch", "--sentences", "400", "--store", store()});
    QCOMPARE(badTask.code, 2);
    QVERIFY2(badTask.err.contains("nosuch") && !badTask.err.contains("teacher: epoch"), badTask.err.constData());
  }
  void flTwoProcessesEqualOne() {
    const QStringList common = {"fl", "--model", "bag", "--partition", "iid", "--clients", "40", "--rounds", "4",
                                "--clients-per-round", "6", "--local-lr", "0.5", "--seed", "3", "--store", store(),
                                "--json"};
    const auto two = cli(common + QStringList{"--nproc", "2"});
    QVERIFY2(two.code == 0, two.err.constData());
    const auto one = cli(common);
    QVERIFY2(one.code == 0, one.err.constData());
    const auto a = trustlab::loadCheckpoint(
        QJsonDocument::fromJson(two.out).object()["checkpoint"].toString().toStdString());
    const auto b = trustlab::loadCheckpoint(
        QJsonDocument::fromJson(one.out).object()["checkpoint"].toString().toStdString());
    QCOMPARE(QJsonDocument::fromJson(two.out).object()["processes"].toInt(), 2);
    const auto pa = a.model->parameters(), pb = b.model->parameters();
    double worst = 0;
    for (size_t i = 0; i < pa.size(); ++i) worst = std::max(worst, (pa[i] - pb[i]).abs().max().item<double>());
    QVERIFY2(worst <= 1e-6, qPrintable(QString("max |Δ| = %1").arg(worst)));
  }
  void benchDpJsonContract() {
    // Shape of the output only: timings are the benchmark's business, not a test's.
    const auto r = run("trustlab-bench", {"dp", "--model", "bag", "--batch", "16", "--vocab", "200", "--seq-len", "8",
                                          "--steps", "1", "--naive-steps", "1", "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto j = QJsonDocument::fromJson(r.out).object();
    for (const char* mode : {"nondp", "edp", "naive"}) {
      const auto m = j[mode].toObject();
      QVERIFY2(m["seconds_per_step"].toDouble() > 0, mode);
      QVERIFY2(m["peak_memory_bytes"].toDouble() > 0, mode);
    }
    QVERIFY(j.contains("edp_over_nondp") && j.contains("naive_over_edp"));
    const auto fl = run("trustlab-bench", {"fl", "--population", "200", "--clients-per-round", "10", "--rounds", "2",
                                           "--vocab", "100", "--json"});
    QVERIFY2(fl.code == 0, fl.err.constData());
    const auto f = QJsonDocument::fromJson(fl.out).object();
    QVERIFY(f["rounds_per_second"].toDouble() > 0);
    QVERIFY(f["overhead_vs_centralized"].toDouble() > 0);
  }
  void benchDpComparesWithOpacusOrSaysWhyNot() {
    const QStringList tiny = {"dp",      "--model", "bag", "--batch",       "8", "--vocab",  "100", "--seq-len",
                              "4",       "--steps", "1",   "--naive-steps", "1", "--opacus", "--json"};
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("TRUSTLAB_ANCHORS", dir_.path() + "/no-anchors");
    const auto absent = run("trustlab-bench", tiny, env);
    QVERIFY2(absent.code == 0, absent.err.constData());
    const auto skipped = QJsonDocument::fromJson(absent.out).object();
    QVERIFY2(skipped["opacus"].toObject()["skipped"].toString().contains("not found"), absent.out.constData());
    QVERIFY(!skipped.contains("opacus_over_edp"));

    const QString anchors = QStringLiteral(TRUSTLAB_TEST_DATA_DIR) + "/../anchors/python";
    if (!QFile::exists(anchors + "/opacus")) QSKIP("Opacus 1.4 is in ../shared/anchors");
    env.insert("TRUSTLAB_ANCHORS", anchors);
    const auto present = run("trustlab-bench", tiny, env);
    QVERIFY2(present.code == 0, present.err.constData());
    const auto compared = QJsonDocument::fromJson(present.out).object();
    QVERIFY2(compared["opacus"].toObject()["seconds_per_step"].toDouble() > 0, present.out.constData());
    QVERIFY(compared["opacus_over_edp"].toDouble() > 0);
  }
  void badInputExitsTwoAndNamesIt() {
    auto r = cli({"train", "--model", "cnn", "--store", store()});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--model") && r.err.contains("model.type"), r.err.constData());
    r = cli({"train", "--epochs", "three", "--store", store()});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--epochs"));
    r = cli({"train", "--bogus", "--store", store()});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--bogus"));
    r = cli({"train", "--dataset", dir_.path() + "/missing.csv", "--store", store()});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("missing.csv"));
    QFile spec(dir_.path() + "/bad-spec.json");
    QVERIFY(spec.open(QIODevice::WriteOnly));
    spec.write("{\"training\": {\"lr\": \"fast\"}}");
    spec.close();
    r = cli({"train", spec.fileName(), "--store", store()});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("bad-spec.json") && r.err.contains("training.lr"), r.err.constData());
    r = cli({"fairness", "ceat", "--association", "2"});  // checked before a teacher trains
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--association"), r.err.constData());
    r = cli({"runs", "show", "999", "--store", store()});
    QCOMPARE(r.code, 2);
    QVERIFY(cli({"frobnicate"}).code == 2);
    r = cli({"train", "--batch-sise", "8", "--store", store()});  // a typo gets a suggestion
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--batch-sise") && r.err.contains("did you mean --batch-size"), r.err.constData());
    r = cli({"train", "--accountant", "rpd", "--dp", "edp", "--store", store()});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--accountant") && r.err.contains("did you mean 'rdp'"), r.err.constData());
  }
  void helpListsEveryDeclaredField() {
    // train --help: every field of the sections train takes, with its default and range.
    const auto r = cli({"train", "--help"});
    QCOMPARE(r.code, 0);
    for (const char* option : {"--lr", "--batch-size", "--dp", "--accountant", "--max-length", "--cda", "--model",
                               "--hidden-size", "--canaries", "--clip", "--adaptive-clip", "--warmup-steps"})
      QVERIFY2(r.out.contains(option), option);
    QVERIFY2(r.out.contains("training.lr; default 0; in [0, 10]; 0 = auto"), r.out.constData());
    QVERIFY(r.out.contains("rdp, prv, gdp"));  // the accountant's choices, from the registry
    QVERIFY(!r.out.contains("--rounds"));      // federated fields are fl's
    const auto fl = cli({"fl", "--help"});
    QCOMPARE(fl.code, 0);
    for (const char* option : {"--rounds", "--partition", "--nproc", "--continual", "--user-dp", "--mu", "--tau"})
      QVERIFY2(fl.out.contains(option), option);
  }
  void everyFieldCanBeSetFromTheCommandLine() {
    // Fields the old hand-written parser had no flag for: now each has one.
    const auto r = cli({"fl", "--model", "bag", "--partition", "iid", "--clients", "20", "--rounds", "2",
                        "--clients-per-round", "4", "--algorithm", "fedadam", "--tau", "0.01", "--beta1", "0.8",
                        "--server-lr", "0.05", "--eval-every-rounds", "2", "--lowercase=false", "--store", store(),
                        "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto id = QString::number(QJsonDocument::fromJson(r.out).object()["run_id"].toInteger());
    const auto show = QJsonDocument::fromJson(cli({"runs", "show", id, "--store", store(), "--json"}).out).object();
    const auto spec = show["spec"].toObject();
    QCOMPARE(spec["federated"].toObject()["tau"].toDouble(), 0.01);
    QCOMPARE(spec["federated"].toObject()["beta1"].toDouble(), 0.8);
    QCOMPARE(spec["federated"].toObject()["eval_every"].toInt(), 2);
    QCOMPARE(spec["data"].toObject()["lowercase"].toBool(), false);
  }
  void aFullDiskExitsOneAndHarmsNoStoredRun() {
    // Not the user's input but the machine: a file-size limit (ulimit -f, as a full disk) stops
    // the run with exit 1 and the file named; the store stays sound with the earlier run intact.
    const QString full = dir_.path() + "/full.sqlite";
    auto r = cli({"train", "--model", "bag", "--max-steps", "5", "--store", full, "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString limitKb = QString::number(QFileInfo(full).size() / 1024 + 64);
    QProcess sh;
    sh.start("/bin/sh", {"-c", "ulimit -f " + QString::number(limitKb.toLong() * 2) + "; exec \"$0\" \"$@\"",
                         QString(TRUSTLAB_BIN_DIR) + "/trustlab-cli", "train", "--model", "bilstm", "--max-steps", "400",
                         "--eval-every", "1", "--store", full});
    QVERIFY(sh.waitForFinished(300000));
    const QByteArray err = sh.readAllStandardError();
    QVERIFY2(sh.exitStatus() == QProcess::NormalExit && sh.exitCode() == 1, err.constData());
    QVERIFY2(err.contains("full.sqlite") || err.contains(".artifacts"), err.constData());
    r = cli({"runs", "check", "--store", full, "--json"});
    QVERIFY2(r.code == 0, r.out.constData());
    const auto check = QJsonDocument::fromJson(r.out).object();
    QVERIFY(check["ok"].toBool());
    QCOMPARE(check["runs"].toObject()["finished"].toInt(), 1);
  }
  void privacyCommands() {
    auto r = cli({"privacy", "epsilon", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--steps", "2250",
                  "--delta", "1e-5", "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    auto j = QJsonDocument::fromJson(r.out).object();
    QVERIFY(std::abs(j["epsilon"].toDouble() - 7.32911117143) < 1e-6);
    QCOMPARE(j["accountant"].toString(), QString("rdp"));
    QCOMPARE(j["order"].toDouble(), 3.9);
    r = cli({"privacy", "epsilon", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--epochs", "90",
             "--delta", "1e-5", "--accountant", "gdp", "--json"});
    QCOMPARE(r.code, 0);
    QVERIFY(!QJsonDocument::fromJson(r.out).object().contains("order"));
    r = cli({"privacy", "noise", "--target-epsilon", "8", "--sample-rate", "0.04", "--epochs", "90", "--delta", "1e-5",
             "--json"});
    QCOMPARE(r.code, 0);
    j = QJsonDocument::fromJson(r.out).object();
    QVERIFY(j["epsilon"].toDouble() <= 8);
    QCOMPARE(j["steps"].toInt(), 2250);
    QVERIFY(std::abs(j["noise_multiplier"].toDouble() - 1.41579) < 1e-4);
    // Bad input: exit 2 naming what is wrong.
    r = cli({"privacy", "epsilon", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--steps", "10", "--delta", "1"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("delta"));
    r = cli({"privacy", "epsilon", "--sample-rate", "nan", "--noise-multiplier", "1.5", "--steps", "10", "--delta", "1e-5"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--sample-rate"));
    r = cli({"privacy", "noise", "--target-epsilon", "3", "--sample-rate", "0.01", "--delta", "1e-5"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--steps"));
    r = cli({"privacy", "epsilon", "--sample-rate", "0.01", "--noise-multiplier", "1", "--steps", "10", "--delta",
             "1e-5", "--accountant", "moments"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--accountant"));
  }
  void examplePluginsThroughTheCli() {
    const auto list = cli({"plugins", "list", "--json"});
    QVERIFY2(list.code == 0, list.err.constData());
    QStringList added;
    for (const auto& v : QJsonDocument::fromJson(list.out).object()["plugins"].toArray()) {
      const auto p = v.toObject();
      QVERIFY2(p["loaded"].toBool(), qPrintable(p["file"].toString() + ": " + p["error"].toString()));
      for (const auto& a : p["added"].toArray()) added << a.toString();
    }
    for (const char* part : {"model 'dan'", "dataset format 'fasttext'", "membership attack 'entropy'",
                             "fairness metric 'ppv_difference'", "partition 'shards'", "dataset 'default-small'"})
      QVERIFY2(added.contains(part), part);
    QVERIFY(cli({"plugins", "list"}).out.contains("Deep averaging network"));
    QVERIFY(cli({"train", "--help"}).out.contains("dan"));

    // A fastText file, read by the format plugin, trains the plugin's DAN model with eDP-SGD.
    QFile ft(dir_.path() + "/reviews.txt");
    QVERIFY(ft.open(QIODevice::WriteOnly));
    for (int i = 0; i < 200; ++i)
      ft.write(i % 2 ? "__label__pos a truly great film " + QByteArray::number(i) + "\n"
                     : "__label__neg a dull and awful film " + QByteArray::number(i) + "\n");
    ft.close();
    const auto dan = cli({"train", "--dataset", ft.fileName(), "--format", "fasttext", "--model", "dan", "--dp", "edp",
                          "--noise-multiplier", "0.5", "--max-steps", "30", "--batch-size", "16", "--lr", "0.05",
                          "--store", store(), "--json"});
    QVERIFY2(dan.code == 0, dan.err.constData());
    const auto dj = QJsonDocument::fromJson(dan.out).object();
    QVERIFY(dj["privacy"].toObject()["epsilon"].toDouble() > 0);
    QVERIFY(dj["test_accuracy"].toDouble() > 0.7);  // the words separate the labels

    // The entropy attack audits the stored run, and its metrics land on the run.
    const auto mia = cli({"attack", "mia", "--run", runId(dan), "--method", "entropy", "--audit-examples", "20",
                          "--store", store(), "--json"});
    QVERIFY2(mia.code == 0, mia.err.constData());
    const auto auc = QJsonDocument::fromJson(mia.out).object()["auc"].toDouble();
    QVERIFY(auc >= 0 && auc <= 1);
    const auto shown = cli({"runs", "show", runId(dan), "--store", store(), "--json"});
    QVERIFY(shown.out.contains("audit/mia_entropy/auc"));

    // The shards partition in a federated run.
    const auto fl = cli({"fl", "--model", "bag", "--partition", "shards", "--clients", "20", "--rounds", "2",
                         "--clients-per-round", "5", "--store", store(), "--json"});
    QVERIFY2(fl.code == 0, fl.err.constData());
    QCOMPARE(QJsonDocument::fromJson(fl.out).object()["rounds"].toInt(), 2);
    const auto preview = cli({"fl", "--partition", "shards", "--clients", "20", "--preview", "--json"});
    QVERIFY2(preview.code == 0, preview.err.constData());
    // Two shards of label-sorted examples: each spans at most two labels, so a client has ≤ 4 of 18.
    for (const auto& labels : QJsonDocument::fromJson(preview.out).object()["labels_per_client"].toArray())
      QVERIFY(labels.toInt() >= 1 && labels.toInt() <= 4);
  }
  void badPluginsAreSkippedWithTheirFileNamed() {
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("TRUSTLAB_PLUGIN_PATH", TRUSTLAB_TEST_PLUGIN_DIR);
    const auto r = cli({"datasets", "list", "--json"}, env);
    QVERIFY2(r.code == 0, r.err.constData());  // TrustLab keeps working
    for (const char* file : {"no_entry.so", "wrong_version.so", "throws.so"}) QVERIFY2(r.err.contains(file), file);
    QVERIFY(r.err.contains("failed while registering: the fixture's configuration file is missing"));
    const auto list = cli({"plugins", "list", "--json"}, env);
    QCOMPARE(list.code, 0);
    int skipped = 0;
    for (const auto& v : QJsonDocument::fromJson(list.out).object()["plugins"].toArray())
      skipped += !v.toObject()["loaded"].toBool();
    QCOMPARE(skipped, 3);
    const auto train = cli({"train", "--model", "half-registered", "--store", store()}, env);
    QCOMPARE(train.code, 2);  // the throwing plugin's model was rolled back
  }
  void datasetsList() {
    const auto r = cli({"datasets", "list", "--json"});
    QCOMPARE(r.code, 0);
    const auto arr = QJsonDocument::fromJson(r.out).object()["datasets"].toArray();
    QVERIFY(arr.size() >= 10);
    QCOMPARE(arr[0].toObject()["name"].toString(), QString("default"));
    QVERIFY(arr[0].toObject()["available"].toBool());
  }
  void tokenizeJsonContract() {
    const QString gpt2 = QString(TRUSTLAB_TEST_DATA_DIR) + "/tokenizers/gpt2";
    if (!QFileInfo::exists(gpt2)) QSKIP("shared tokenizer files not present");
    const auto r = cli({"tokenize", "--tokenizer", gpt2, "--text", "Hello World!", "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j["ids"].toArray(), (QJsonArray{15496, 2159, 0}));
    QCOMPARE(j["tokens"].toArray(), (QJsonArray{"Hello", "ĠWorld", "!"}));
    QCOMPARE(j["offsets"].toArray()[1].toArray(), (QJsonArray{6, 11}));
    const auto missing = cli({"tokenize", "--tokenizer", dir_.path() + "/none", "--text", "x"});
    QCOMPARE(missing.code, 2);
    QVERIFY2(missing.err.contains("/none"), missing.err.constData());
  }
  void modelInfoJsonContract() {
    // A GPT-2-shaped folder with seeded random weights (no pretrained weights exist here).
    QTemporaryDir folder;
    torch::manual_seed(0);
    trustlab::writeSafetensors((folder.path() + "/model.safetensors").toStdString(),
                     {{"wte.weight", torch::randn({5, 8})}, {"h.0.attn.bias", torch::ones({1, 1, 8, 8})}});
    QFile config(folder.path() + "/config.json");
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"model_type":"gpt2","n_embd":8,"n_layer":1,"n_head":2,"n_positions":8,"vocab_size":5})");
    config.close();
    const auto r = cli({"model", "info", folder.path(), "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j["model_type"].toString(), QString("gpt2"));
    QCOMPARE(j["parameters"].toInteger(), 40);  // the causal-mask buffer is not a parameter
    QCOMPARE(j["tensors"].toArray().size(), 2);
    QVERIFY(j["tokenizer"].toObject().contains("problem"));  // none in the folder: said, not fatal
    QCOMPARE(cli({"model", "info", dir_.path()}).code, 2);  // no config.json
  }
  /// A pretrained-model run (model flags from the declared fields) exported back as a hub folder:
  /// config with its labels, weights with the head and LoRA merged, the tokenizer beside them.
  void modelExportWritesAHubFolder() {
    QTemporaryDir bert, out;
    writeRandomHfFolder(bert.path(), kTinyBert, "[PAD]\n[UNK]\n[CLS]\n[SEP]\nplay\nmusic\nweather\n");
    const QString s = dir_.path() + "/export.sqlite";
    auto r = cli({"train", "--model", "hf", "--path", bert.path(), "--fine-tuning", "lora", "--lora-rank", "2",
                  "--max-length", "16", "--max-steps", "3", "--batch-size", "16", "--store", s, "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    r = cli({"model", "export", "--run", runId(r), "--output", out.path(), "--store", s});
    QVERIFY2(r.code == 0, r.err.constData());
    QFile config(out.path() + "/config.json");
    QVERIFY(config.open(QIODevice::ReadOnly));
    const auto j = QJsonDocument::fromJson(config.readAll()).object();
    QCOMPARE(j["architectures"].toArray()[0].toString(), QString("BertForSequenceClassification"));
    const long labels = j["id2label"].toObject().size();
    QVERIFY(labels > 1);
    const trustlab::SafetensorsFile weights((out.path() + "/model.safetensors").toStdString());
    QCOMPARE(weights.entry("classifier.weight").shape, (std::vector<int64_t>{labels, 8}));
    for (const auto& name : weights.names()) QVERIFY2(name.find("lora") == std::string::npos, name.c_str());
    QVERIFY(QFile::exists(out.path() + "/vocab.txt"));
    r = cli({"train", "--model", "bag", "--max-steps", "2", "--store", s, "--json"});
    QCOMPARE(cli({"model", "export", "--run", runId(r), "--output", out.path(), "--store", s}).code, 2);  // not pretrained
  }
  /// Canaries in a pretrained model's data: planted as its tokenizer reads them ([CLS] prefix,
  /// one WordPiece per digit, [SEP]) and scored the same way by the exposure audit.
  void canariesWorkWithAPretrainedTokenizer() {
    QTemporaryDir bert;
    writeRandomHfFolder(bert.path(), R"({"model_type":"bert","hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,
        "intermediate_size":16,"max_position_embeddings":32,"vocab_size":17})",
                        "[PAD]\n[UNK]\n[CLS]\n[SEP]\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9\nplay\nmusic\nthe\n");
    const QString s = dir_.path() + "/hf-canary.sqlite";
    auto r = cli({"train", "--model", "hf", "--path", bert.path(), "--max-length", "24", "--max-steps", "3", "--batch-size", "16",
                  "--canaries", "2", "--canary-length", "3", "--store", s, "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    r = cli({"attack", "canary", "--run", runId(r), "--steps", "5", "--store", s, "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto c = QJsonDocument::fromJson(r.out).object();
    QVERIFY(c["exposure"].toDouble() >= 0 && c["exposure"].toDouble() <= std::log2(1000.0) + 1e-9);
  }
  /// A random BERT-shaped folder with a small WordPiece vocabulary; with ../shared/data, a random
  /// GPT-2-shaped one with GPT-2's real tokenizer files.
  void modelEncodeAndGenerateJsonContract() {
    QTemporaryDir bert;
    writeRandomHfFolder(bert.path(), kTinyBert, "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\n!\n");
    auto r = cli({"model", "encode", bert.path(), "--text", "Hello world!", "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    auto j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j["ids"].toArray(), QJsonArray({2, 4, 5, 6, 3}));  // [CLS] hello world ! [SEP]
    QCOMPARE(j["hidden"].toArray().size(), 5);
    QCOMPARE(j["hidden"].toArray()[0].toArray().size(), 8);
    QVERIFY(!j.contains("logits"));  // no LM head
    r = cli({"model", "generate", bert.path(), "--prompt", "hello"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("no LM head"));
    // CEAT on the folder's contextual embeddings (random weights: the numbers mean nothing, the
    // contract does): every default test word the corpus holds gets a pool.
    r = cli({"fairness", "ceat", "--model", bert.path(), "--samples", "50", "--per-word", "4", "--sentences", "400", "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j["samples"].toInt(), 50);
    QVERIFY(std::isfinite(j["combined_effect_size"].toDouble()));

    const QString tokenizers = QStringLiteral(TRUSTLAB_TEST_DATA_DIR) + "/tokenizers/gpt2";
    if (!QFile::exists(tokenizers + "/encoder.json")) QSKIP("GPT-2's tokenizer files are in ../shared/data");
    QTemporaryDir gpt2;
    QVERIFY(QFile::copy(tokenizers + "/encoder.json", gpt2.path() + "/vocab.json"));
    QVERIFY(QFile::copy(tokenizers + "/vocab.bpe", gpt2.path() + "/merges.txt"));
    writeRandomHfFolder(gpt2.path(), R"({"model_type":"gpt2","n_embd":8,"n_layer":1,"n_head":2,"n_positions":32,"vocab_size":50257})");
    r = cli({"model", "encode", gpt2.path(), "--text", "Hello world", "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j["ids"].toArray(), QJsonArray({15496, 995}));  // no special tokens for GPT-2
    QCOMPARE(j["logits"].toArray().size(), 50257);
    const QStringList sample = {"model", "generate", gpt2.path(), "--prompt", "Hello", "--max-new-tokens", "4",
                                "--top-k", "50", "--seed", "3", "--json"};
    r = cli(sample);
    QVERIFY2(r.code == 0, r.err.constData());
    j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j["ids"].toArray().size(), 4);
    QVERIFY(j["text"].isString());
    QCOMPARE(cli(sample).out, r.out);  // seeded: the same continuation
    r = cli({"model", "generate", gpt2.path(), "--prompt", "Hello", "--top-p", "0"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--top-p"));

    // Role-reversal distillation of the GPT-2 folder (fine-tuned on the corpus for an epoch) into
    // a student from its layers, through GPT-2's own tokens; each student a stored run.
    r = cli({"fairness", "distill", "--teacher", gpt2.path(), "--method", "kd,perturb", "--sentences", "200",
             "--teacher-epochs", "1", "--epochs", "1", "--batch-size", "16", "--store", store(), "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto students = QJsonDocument::fromJson(r.out).object()["students"].toArray();
    QCOMPARE(students.size(), 2);
    for (const auto& student : students) {
      const auto o = student.toObject();
      QVERIFY(o["perplexity"].toDouble() > 1 && std::isfinite(o["perplexity"].toDouble()));
      QVERIFY(o["gender_disparity"].toDouble() >= 0 && o["gender_disparity"].toDouble() <= 1);
    }
    r = cli({"runs", "show", QString::number(students[0].toObject()["run_id"].toInteger()), "--store", store(), "--json"});
    QVERIFY2(r.out.contains(gpt2.path().toUtf8()) && r.out.contains("byte_bpe"), r.out.constData());
    r = cli({"fairness", "distill", "--teacher", gpt2.path(), "--student-layers", "2", "--sentences", "20", "--store", store()});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--student-layers"), r.err.constData());
    r = cli({"fairness", "distill", "--teacher", bert.path(), "--sentences", "20", "--store", store()});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("gpt2"), r.err.constData());
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
