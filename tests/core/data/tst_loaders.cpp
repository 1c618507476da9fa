// Tests core/data loaders: every public format on the real files in ../shared/data (skipped when
// absent) and on malformed inputs, whose errors must name the file, line and field.
#include <QtTest>

#include "data/dataset_registry.h"
#include "data/loaders/loaders.h"
#include "util/errors.h"

using namespace trustlab;

namespace {
QString dataDir() {
  const QString env = qEnvironmentVariable("TRUSTLAB_DATA_DIR");
  return env.isEmpty() ? QString(TRUSTLAB_TEST_DATA_DIR) : env;
}
#define REQUIRE_DATA(rel)                                                                          \
  if (!QFileInfo::exists(dataDir() + "/" rel)) QSKIP("shared data not present: " rel)

/// Writes `content` to a file in `dir` and returns its path.
std::string writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content) {
  const QString path = dir.path() + "/" + name;
  QDir().mkpath(QFileInfo(path).path());
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write(content);
  return path.toStdString();
}

/// Runs `load` and returns the InputError message (fails the test when nothing is thrown).
template <typename F>
QString errorOf(F&& load) {
  try {
    load();
  } catch (const InputError& e) {
    return e.what();
  }
  return "NO ERROR";
}
}  // namespace

class TestLoaders : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { qputenv("TRUSTLAB_DATA_DIR", dataDir().toUtf8()); }

  // --- real files ------------------------------------------------------------------------------
  void snipsGooSplit() {
    REQUIRE_DATA("snips2017/goo2018_split");
    const auto d = loadDataset({"snips"});
    QCOMPARE(d.train.size(), size_t(13084));
    QCOMPARE(d.valid.size(), size_t(700));
    QCOMPARE(d.test.size(), size_t(700));
    QCOMPARE(d.labels().size(), size_t(7));
    QVERIFY(!d.train[0].slotValues.empty());  // from seq.out BIO tags
  }
  void snipsRawWithInvalidUtf8() {
    REQUIRE_DATA("snips2017/PlayMusic");
    const auto d = loadDataset({"snips-raw"});
    QCOMPARE(d.labels().size(), size_t(7));
    QCOMPARE(d.train.size() + d.valid.size(), size_t(13784));
    QCOMPARE(d.test.size(), size_t(700));
    bool replaced = false;
    for (const auto& e : d.train) replaced = replaced || e.text.find("\xEF\xBF\xBD") != std::string::npos;
    QVERIFY2(replaced, "the CESU-8 emoji in PlayMusic should be replaced by U+FFFD");
    size_t withEntity = 0;
    for (const auto& e : d.train) withEntity += !e.slotValues.empty();
    QVERIFY(withEntity > d.train.size() / 2);
  }
  void clinc150() {
    REQUIRE_DATA("clinc150/data_full.json");
    const auto d = loadDataset({"clinc150"});
    QCOMPARE(d.train.size(), size_t(15000));
    QCOMPARE(d.valid.size(), size_t(3000));
    QCOMPARE(d.test.size(), size_t(4500));
    QCOMPARE(d.labels().size(), size_t(150));
    const auto oos = loadDataset({"clinc150-oos"});
    QCOMPARE(oos.test.size(), size_t(5500));
    QCOMPARE(oos.labels().size(), size_t(151));
  }
  void banking77Csv() {
    REQUIRE_DATA("banking77/train.csv");
    const auto d = loadDataset({"banking77"});
    QCOMPARE(d.train.size() + d.valid.size(), size_t(10003));
    QCOMPARE(d.test.size(), size_t(3080));
    QCOMPARE(d.labels().size(), size_t(77));
    for (const auto& e : d.test) QVERIFY(e.text.find('\r') == std::string::npos);
  }
  void hwu64AndAtis() {
    REQUIRE_DATA("hwu64/train/seq.in");
    const auto h = loadDataset({"hwu64"});
    QCOMPARE(h.train.size(), size_t(8954));
    QCOMPARE(h.test.size(), size_t(1076));
    QCOMPARE(h.labels().size(), size_t(64));
    REQUIRE_DATA("atis/train/seq.in");
    const auto a = loadDataset({"atis"});
    QCOMPARE(a.train.size(), size_t(4478));
    QCOMPARE(a.valid.size(), size_t(500));
    QCOMPARE(a.test.size(), size_t(893));
  }
  void massiveJsonl() {
    REQUIRE_DATA("massive_en_us/train.jsonl");
    const auto d = loadDataset({"massive"});
    QCOMPARE(d.train.size(), size_t(11514));
    QCOMPARE(d.valid.size(), size_t(2033));
    QCOMPARE(d.test.size(), size_t(2974));
    QCOMPARE(d.labels().size(), size_t(60));
    QCOMPARE(d.train[0].label, std::string("alarm_set"));
  }
  void sst2Tsv() {
    REQUIRE_DATA("sst2/train.tsv");
    const auto d = loadDataset({"sst2"});
    QCOMPARE(d.train.size(), size_t(60614));
    QCOMPARE(d.valid.size(), size_t(6735));
    QCOMPARE(d.test.size(), size_t(872));
    QCOMPARE(d.labels().size(), size_t(2));
  }
  void generatedDefault() {
    const auto d = loadDataset({"default"});
    QVERIFY(d.size() >= 8000);
  }

  // --- malformed inputs ------------------------------------------------------------------------
  void csvMissingColumnNamesHeader() {
    QTemporaryDir dir;
    const auto p = writeFile(dir, "a.csv", "sentence,category\nhi,greet\n");
    const QString msg = errorOf([&] { loadTable(p, {"text", ""}); });
    QVERIFY2(msg.contains("a.csv:1") && msg.contains("'text'") && msg.contains("sentence"), qPrintable(msg));
  }
  void csvRaggedRowNamesLine() {
    QTemporaryDir dir;
    const auto p = writeFile(dir, "b.csv", "text,label\n\"a, quoted\",x\nb,y,extra\n");
    const QString msg = errorOf([&] { loadTable(p, {}); });
    QVERIFY2(msg.contains("b.csv:3") && msg.contains("3 fields"), qPrintable(msg));
  }
  void tableTextsNeedNoLabel() {
    QTemporaryDir dir;
    const auto p = writeFile(dir, "corpus.tsv", "id\tsentence\n1\t the nurse said \n2\tshe left\n");
    QCOMPARE(loadTableTexts(p), (std::vector<std::string>{"the nurse said", "she left"}));
    const auto ragged = writeFile(dir, "ragged.tsv", "sentence\nfine\ntoo\tmany\n");
    const QString msg = errorOf([&] { loadTableTexts(ragged); });
    QVERIFY2(msg.contains("ragged.tsv:3") && msg.contains("2 fields"), qPrintable(msg));
    const auto noText = writeFile(dir, "labels.tsv", "label\n1\n");
    QVERIFY(errorOf([&] { loadTableTexts(noText); }).contains("no text column"));
  }
  void csvUnterminatedQuote() {
    QTemporaryDir dir;
    const auto p = writeFile(dir, "c.csv", "text,label\n\"never closed,x\n");
    const QString msg = errorOf([&] { loadTable(p, {}); });
    QVERIFY2(msg.contains("c.csv:2") && msg.contains("unterminated"), qPrintable(msg));
  }
  void csvQuotedNewlineAndDoubledQuote() {
    QTemporaryDir dir;
    const auto p = writeFile(dir, "d.csv", "text,label\r\n\"say \"\"hi\"\"\nthere\",greet\r\nok,other\r\n");
    const auto rows = loadTable(p, {});
    QCOMPARE(rows.size(), size_t(2));
    QCOMPARE(rows[0].text, std::string("say \"hi\"\nthere"));
    QCOMPARE(rows[1].label, std::string("other"));
  }
  void csvEmptyLabel() {
    QTemporaryDir dir;
    const auto p = writeFile(dir, "e.csv", "text,label\nhello,\n");
    const QString msg = errorOf([&] { loadTable(p, {}); });
    QVERIFY2(msg.contains("e.csv:2") && msg.contains("'label'"), qPrintable(msg));
  }
  void jsonlBadLineAndMissingField() {
    QTemporaryDir dir;
    const auto bad = writeFile(dir, "f.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\": oops}\n");
    QString msg = errorOf([&] { loadTable(bad, {}); });
    QVERIFY2(msg.contains("f.jsonl:2") && msg.contains("invalid JSON"), qPrintable(msg));
    const auto missing = writeFile(dir, "g.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n\n{\"text\":\"b\"}\n");
    msg = errorOf([&] { loadTable(missing, {}); });
    QVERIFY2(msg.contains("g.jsonl:3") && msg.contains("label"), qPrintable(msg));
  }
  void clincMalformed() {
    QTemporaryDir dir;
    const auto broken = writeFile(dir, "h.json", "{\n \"train\": [\n  [\"a\", \"x\"],\n  [\"b\"\n]}");
    QString msg = errorOf([&] { loadClinc(broken, false); });
    QVERIFY2(msg.contains("h.json:") && msg.contains("invalid JSON"), qPrintable(msg));
    const auto wrong = writeFile(dir, "i.json", "{\"train\": [[\"a\", \"x\"], [\"b\", 3]]}");
    msg = errorOf([&] { loadClinc(wrong, false); });
    QVERIFY2(msg.contains("i.json") && msg.contains("train[1]"), qPrintable(msg));
  }
  void seqLabelCountMismatch() {
    QTemporaryDir dir;
    writeFile(dir, "split/train/seq.in", "a b\nc d\ne f\n");
    writeFile(dir, "split/train/label", "x\ny\n");
    const QString msg = errorOf([&] { loadSeqLabelSplits((dir.path() + "/split").toStdString()); });
    QVERIFY2(msg.contains("train/label") && msg.contains("2 labels") && msg.contains("3 utterances"), qPrintable(msg));
  }
  void seqLabelTagMismatch() {
    QTemporaryDir dir;
    writeFile(dir, "s/train/seq.in", "play jazz\n");
    writeFile(dir, "s/train/label", "PlayMusic\n");
    writeFile(dir, "s/train/seq.out", "O\n");
    const QString msg = errorOf([&] { loadSeqLabelFolder((dir.path() + "/s/train").toStdString()); });
    QVERIFY2(msg.contains("seq.out:1"), qPrintable(msg));
  }
  void snipsRawWrongShape() {
    QTemporaryDir dir;
    writeFile(dir, "raw/GetWeather/train_GetWeather_full.json", "{\"GetWeather\": [{\"data\": [{\"txt\": \"x\"}]}]}");
    const QString msg = errorOf([&] { loadSnipsRaw((dir.path() + "/raw").toStdString()); });
    QVERIFY2(msg.contains("train_GetWeather_full.json") && msg.contains("GetWeather[0].data"), qPrintable(msg));
  }
  void unknownNameOrPath() {
    const QString msg = errorOf([&] { loadDataset({"/no/such/dataset.csv"}); });
    QVERIFY2(msg.contains("/no/such/dataset.csv"), qPrintable(msg));
  }
  void invalidUtf8InCsvIsReplaced() {
    QTemporaryDir dir;
    const auto p = writeFile(dir, "u.csv", "text,label\ncaf\xE9 latte,order\n");
    const auto rows = loadTable(p, {});
    QCOMPARE(rows[0].text, std::string("caf\xEF\xBF\xBD latte"));
  }
  void folderWithoutSplitsIsCarved() {
    QTemporaryDir dir;
    QByteArray csv = "text,label\n";
    for (int i = 0; i < 100; ++i) csv += QByteArray("utterance ") + QByteArray::number(i) + "," + (i % 2 ? "a" : "b") + "\n";
    writeFile(dir, "folder/train.csv", csv);
    const auto d = loadTableDataset((dir.path() + "/folder").toStdString(), {});
    QCOMPARE(d.train.size() + d.valid.size() + d.test.size(), size_t(100));
    QCOMPARE(d.valid.size(), size_t(10));
    QCOMPARE(d.test.size(), size_t(10));
    const auto again = loadTableDataset((dir.path() + "/folder").toStdString(), {});
    QCOMPARE(again.test[3].text, d.test[3].text);  // deterministic
  }
};

QTEST_GUILESS_MAIN(TestLoaders)
#include "tst_loaders.moc"
