// Tests trustlab-cli against the bad-input corpus (tests/app/bad_input_corpus.json): every
// malformed dataset, spec, flag, store, checkpoint and plugin ends with its expected exit code
// (2 = bad input) and a message holding the words that name the file, line or field; never a
// crash, never a silent accept. A case that touches a store must leave it as it was.
#include <QtTest>

#include <filesystem>

namespace {

namespace fs = std::filesystem;

struct Case {
  QJsonObject json;
  QString name() const { return json["name"].toString(); }
};

QJsonArray corpus() {
  QFile f(TRUSTLAB_BAD_INPUT_CORPUS);
  if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", TRUSTLAB_BAD_INPUT_CORPUS);
  return QJsonDocument::fromJson(f.readAll()).object()["cases"].toArray();
}

QString expand(QString s, const QString& dir) {
  return s.replace("{store}", dir + "/runs.sqlite").replace("{dir}", dir);
}

void writeFile(const QString& path, const QString& content) {
  const fs::path parent = fs::path(path.toStdString()).parent_path();
  if (fs::is_regular_file(parent)) fs::remove(parent);  // a folder in the place of a file
  fs::create_directories(parent);
  if (fs::is_directory(path.toStdString())) fs::remove_all(path.toStdString());
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) qFatal("cannot write %s", qPrintable(path));
  f.write(content.toUtf8());
}

}  // namespace

class TestBadInput : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString trainedRun_;  // a store with one finished run and its checkpoint, copied by cases that need it

 private Q_SLOTS:
  void initTestCase() {
    trainedRun_ = dir_.path() + "/trained";
    QDir().mkpath(trainedRun_);
    QProcess p;
    p.start(QString(TRUSTLAB_BIN_DIR) + "/trustlab-cli",
            {"train", "--model", "bag", "--max-steps", "2", "--store", trainedRun_ + "/runs.sqlite", "--json"});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
  }
  void corpusIsLargeAndNamed() {
    QSet<QString> names;
    for (const auto& c : corpus()) names.insert(c.toObject()["name"].toString());
    QVERIFY(names.size() >= 60);
    QCOMPARE(qsizetype(names.size()), corpus().size());  // every case has its own name
  }
  void everyCaseExitsAsExpectedAndSaysWhy_data() {
    QTest::addColumn<QJsonObject>("c");
    for (const auto& c : corpus()) QTest::newRow(qPrintable(c.toObject()["name"].toString())) << c.toObject();
  }
  void everyCaseExitsAsExpectedAndSaysWhy() {
    QFETCH(QJsonObject, c);
    const QString dir = dir_.path() + "/" + c["name"].toString();
    QVERIFY(QDir().mkpath(dir));
    if (c["trained_run"].toBool())
      fs::copy(trainedRun_.toStdString(), dir.toStdString(), fs::copy_options::recursive);
    const auto files = c["files"].toObject();
    for (auto it = files.begin(); it != files.end(); ++it) writeFile(dir + "/" + it.key(), it.value().toString());
    QStringList args;
    for (const auto& a : c["args"].toArray()) args << expand(a.toString(), dir);
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("TRUSTLAB_PLUGIN_PATH", dir + "/no-plugins");  // only the case's own plugins
    const auto caseEnv = c["env"].toObject();
    for (auto it = caseEnv.begin(); it != caseEnv.end(); ++it) env.insert(it.key(), expand(it.value().toString(), dir));

    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QString(TRUSTLAB_BIN_DIR) + "/trustlab-cli", args);
    QVERIFY(p.waitForFinished(120000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    const QString said = "exit " + QString::number(p.exitCode()) + ", stderr: " + err;
    QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable("crashed; " + said));
    QVERIFY2(p.exitCode() == c["exit"].toInt(), qPrintable(said));
    for (const auto& w : c["words"].toArray())
      QVERIFY2(err.contains(expand(w.toString(), dir)), qPrintable("missing '" + w.toString() + "'; " + said));
    if (c["exit"].toInt() == 2) QVERIFY2(!err.contains("Exception raised from"), qPrintable("a raw LibTorch trace; " + said));
  }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
