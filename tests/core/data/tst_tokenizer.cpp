// Tests core/data tokenizer and vocabulary: splitting, lowercasing, min frequency, max size,
// OOV, truncation, and saving/loading.
#include <QtTest>

#include "data/batching.h"
#include "data/tokenizer.h"
#include "util/errors.h"

using namespace trustlab;

class TestTokenizer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void splitsPunctuationKeepsApostrophes() {
    const auto t = tokenize("Play it's \"Hey Jude\", now!", true);
    const std::vector<std::string> want = {"play", "it's", "\"", "hey", "jude", "\"", ",", "now", "!"};
    QCOMPARE(t, want);
    QCOMPARE(tokenize("ABC", false).front(), std::string("ABC"));
  }
  void tokenizersFromTheRegistry() {
    TokenizerOptions o;
    QCOMPARE(tokenize("Play it's \"Hey Jude\"", o), tokenize("Play it's \"Hey Jude\"", true));  // word is the default
    o.type = "whitespace";
    const std::vector<std::string> words = {"play", "it's", "\"hey", "jude\","};
    QCOMPARE(tokenize("  Play it's\t\"Hey Jude\", ", o), words);
    // Characters are code points (é is two bytes, one token); whitespace runs are one ▁.
    o.type = "char";
    const std::vector<std::string> chars = {"c", "a", "f", "\u00e9", "\u2581", "o", "k"};
    QCOMPARE(tokenize("Caf\u00e9   ok", o), chars);
    TokenizerOptions small;
    small.type = "char";
    small.maxLength = 3;
    const auto v = Vocabulary::build({"abc cab"}, small);
    QCOMPARE(v.size(), size_t(6));  // <pad> <unk> a b c ▁
    QCOMPARE(encodeText("abc cab", v, small).size(), size_t(3));
    o.type = "chr";
    try {
      tokenize("x", o);
      QFAIL("an unknown tokenizer was accepted");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("did you mean 'char'"), e.what());
    }
  }
  void vocabularyOrderAndLimits() {
    TokenizerOptions o;
    o.minFrequency = 2;
    const auto v = Vocabulary::build({"b a a", "c a b", "d"}, o);
    QCOMPARE(v.size(), size_t(4));  // <pad> <unk> a b
    QCOMPARE(v.token(2), std::string("a"));
    QCOMPARE(v.token(3), std::string("b"));
    QCOMPARE(v.id("c"), Vocabulary::kUnk);
    o.minFrequency = 1;
    o.maxSize = 3;
    QCOMPARE(Vocabulary::build({"b a a", "c a b"}, o).size(), size_t(3));
  }
  void encodeTruncatesAndNeverEmpty() {
    TokenizerOptions o;
    o.maxLength = 2;
    const auto v = Vocabulary::build({"x y z"}, o);
    QCOMPARE(encodeText("x y z", v, o).size(), size_t(2));
    const auto empty = encodeText("   ", v, o);
    QCOMPARE(empty.size(), size_t(1));
    QCOMPARE(empty[0], Vocabulary::kUnk);
  }
  void encodeSplitPadsRight() {
    TokenizerOptions o;
    o.maxLength = 4;
    const auto v = Vocabulary::build({"a b c"}, o);
    const std::vector<Example> ex = {{"a b", "x", {}, {}, {}}, {"c", "y", {}, {}, {}}};
    const auto s = encodeSplit(ex, v, {{"x", 0}, {"y", 1}}, o);
    QCOMPARE(s.ids.size(1), int64_t(4));
    QCOMPARE(s.lengths[0].item<int64_t>(), int64_t(2));
    QCOMPARE(s.ids[1][1].item<int64_t>(), Vocabulary::kPad);
    const auto b = makeBatch(s, torch::tensor({0L, 1L}), torch::kCPU);
    QCOMPARE(b.ids.size(1), int64_t(2));  // trimmed to the longest in the batch
  }
  void saveAndLoad() {
    QTemporaryDir dir;
    const auto v = Vocabulary::build({"hello world"}, {});
    const std::string path = (dir.path() + "/vocab.txt").toStdString();
    v.save(path);
    const auto w = Vocabulary::load(path);
    QCOMPARE(w.tokens(), v.tokens());
    QFile bad(dir.path() + "/bad.txt");
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("nope\n");
    bad.close();
    QVERIFY_THROWS_EXCEPTION(InputError, Vocabulary::load(bad.fileName().toStdString()));
  }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
