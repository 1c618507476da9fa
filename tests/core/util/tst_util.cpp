// Tests core/util: SHA-256 against FIPS 180-4 vectors, lenient UTF-8, text helpers.
#include <QtTest>
#include <clocale>
#include <cmath>

#include "util/errors.h"
#include "util/sha256.h"
#include "util/text.h"

using namespace trustlab;

class TestUtil : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sha256_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("digest");
    QTest::newRow("empty") << QByteArray("") << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    QTest::newRow("abc") << QByteArray("abc") << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    QTest::newRow("two blocks") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    QTest::newRow("million a") << QByteArray(1000000, 'a') << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  }
  void sha256() {
    QFETCH(QByteArray, input);
    QFETCH(QString, digest);
    QCOMPARE(QString::fromStdString(sha256Hex(input.toStdString())), digest);
  }

  void utf8KeepsValidText() {
    const std::string s = "caf\xC3\xA9 \xF0\x9F\x98\x80 ok";
    size_t replaced = 99;
    QCOMPARE(sanitizeUtf8(s, &replaced), s);
    QCOMPARE(replaced, size_t(0));
  }
  void utf8ReplacesCesuSurrogates() {
    // The CESU-8 emoji in SNIPS PlayMusic: two encoded surrogates, each invalid in UTF-8.
    size_t replaced = 0;
    const auto out = sanitizeUtf8("a\xED\xA0\xBC\xED\xBD\x95z", &replaced);
    QCOMPARE(replaced, size_t(2));
    QCOMPARE(out, std::string("a\xEF\xBF\xBD\xEF\xBF\xBDz"));
  }
  void utf8ReplacesTruncatedAndOverlong() {
    size_t replaced = 0;
    QCOMPARE(sanitizeUtf8("x\xC3", &replaced), std::string("x\xEF\xBF\xBD"));
    QCOMPARE(sanitizeUtf8("\xC0\xAF", &replaced), std::string("\xEF\xBF\xBD"));
  }
  void readFileNamesMissingPath() {
    try {
      readFile("/nonexistent/file.txt");
      QFAIL("expected InputError");
    } catch (const InputError& e) {
      QVERIFY(QString(e.what()).contains("/nonexistent/file.txt"));
    }
  }
  void inputErrorFormatsLineAndField() {
    const InputError e("data.csv", "bad value", 7, "label");
    QCOMPARE(QString(e.what()), QString("data.csv:7: field 'label': bad value"));
  }
  void splitAndTrim() {
    QCOMPARE(split("a,,b", ',').size(), size_t(3));
    QCOMPARE(trim("  x y \r\n"), std::string("x y"));
    QCOMPARE(toLowerAscii("HeLLo É"), std::string("hello É"));
  }
  void numbersReadWholeTextInAnyLocale() {
    // A German locale makes strtod stop "0.5" at the '.'; the parser must not care.
    const char* previous = std::setlocale(LC_NUMERIC, "de_DE.UTF-8");
    QCOMPARE(parseNumber("0.5"), std::optional<double>(0.5));
    if (previous) std::setlocale(LC_NUMERIC, "C");
    QCOMPARE(parseNumber("+1e-3"), std::optional<double>(1e-3));
    QCOMPARE(parseNumber("-2"), std::optional<double>(-2));
    QVERIFY(std::isinf(*parseNumber("inf")));
    QCOMPARE(parseFiniteNumber("inf"), std::nullopt);
    QCOMPARE(parseFiniteNumber("nan"), std::nullopt);
    for (const char* bad : {"", "+", "+-1", "0.5x", " 1", "1 ", "0,5", "e3"}) QCOMPARE(parseNumber(bad), std::nullopt);
  }
};

QTEST_GUILESS_MAIN(TestUtil)
#include "tst_util.moc"
