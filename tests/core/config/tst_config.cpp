// Tests core/config: registries (add, replace, unknown names with a suggestion) and declared
// fields (types from members, ranges, choices, applicability, text parsing).
#include <QtTest>

#include "config/fields.h"
#include "config/registry.h"
#include "util/errors.h"
#include "util/text.h"

using namespace trustlab;

namespace {
struct Toy {
  int count = 3;
  double rate = 0.5;
  bool on = false;
  std::string kind = "a";
  struct Inner {
    size_t size = 7;
  } inner;
};

Registry<int>& kinds() {
  static Registry<int> r("toy kind", "toy.kind", [](auto& reg) {
    reg.add({"alpha", "the first"}, 1);
    reg.add({"beta", "the second"}, 2);
  });
  return r;
}

const FieldList<Toy>& toyFields() {
  static const auto f = [] {
    FieldList<Toy> l("toy", "Toy");
    l.add("count", &Toy::count, "Count", "how many").atLeast(1).atMost(10);
    l.add("rate", &Toy::rate, "Rate", "a probability").above(0).below(1).note("0.5 is fair");
    l.add("on", &Toy::on, "On", "a switch").flag("switch");
    l.gate([](const Toy& t) { return t.on; });
    l.add("kind", &Toy::kind, "Kind", "which kind").choices(kinds());
    l.add("size", &Toy::inner, &Toy::Inner::size, "Size", "nested").when([](const Toy& t) { return t.kind == "beta"; });
    return l;
  }();
  return f;
}

const FieldList<Toy>::Field& field(const char* key) {
  for (const auto& f : toyFields().fields())
    if (f.info.key == key) return f;
  throw std::logic_error(key);
}
}  // namespace

class TestConfig : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void registryAddsReplacesAndSuggests() {
    QCOMPARE(kinds().names(), (std::vector<std::string>{"alpha", "beta"}));
    QCOMPARE(kinds().at("beta"), 2);
    QVERIFY(kinds().find("gamma") == nullptr);
    try {
      kinds().at("bta");
      QFAIL("an unknown name was accepted");
    } catch (const InputError& e) {
      const QString m = e.what();
      QVERIFY2(m.contains("toy.kind") && m.contains("did you mean 'beta'") && m.contains("alpha, beta"), e.what());
    }
    kinds().add({"gamma", "added later", "plugin.so"}, 3);
    kinds().add({"beta", "replaced"}, 20);
    QCOMPARE(kinds().at("beta"), 20);
    QCOMPARE(kinds().items().back().origin, std::string("plugin.so"));
    QCOMPARE(kinds().names().size(), size_t(3));  // replacing keeps the place
  }
  void closestMatchIsATypoNotAGuess() {
    QCOMPARE(closestMatch("lrr", {"lr", "seed"}), std::string("lr"));
    QCOMPARE(closestMatch("Batch_Sise", {"batch_size", "epochs"}), std::string("batch_size"));
    QCOMPARE(closestMatch("completely", {"lr", "seed"}), std::string());
    QCOMPARE(joinNames({"a", "b", "c"}), std::string("a, b or c"));
  }
  void fieldsTakeTheirTypeFromTheMember() {
    QCOMPARE(int(field("count").info.type), int(FieldType::Integer));
    QCOMPARE(int(field("rate").info.type), int(FieldType::Real));
    QCOMPARE(int(field("on").info.type), int(FieldType::Boolean));
    QCOMPARE(int(field("kind").info.type), int(FieldType::Text));
    QVERIFY(field("size").info.unsignedInteger);
    QCOMPARE(field("count").info.flag, std::string("count"));
    QCOMPARE(field("on").info.flag, std::string("switch"));
    Toy t;
    field("size").set(t, FieldValue(42LL));
    QCOMPARE(t.inner.size, size_t(42));
    QCOMPARE(std::get<long long>(field("size").get(t)), 42LL);
    field("kind").set(t, FieldValue(std::string("beta")));
    QCOMPARE(t.kind, std::string("beta"));
  }
  void rangesAndChoicesNameTheProblem() {
    const auto& count = field("count").info;
    QCOMPARE(fieldProblem(count, FieldValue(5LL)), std::string());
    QCOMPARE(fieldProblem(count, FieldValue(0LL)), std::string("must be in 1..10"));
    const auto& rate = field("rate").info;
    QCOMPARE(fieldProblem(rate, FieldValue(1.0)), std::string("must be in (0, 1) (0.5 is fair)"));
    QVERIFY(!fieldProblem(rate, FieldValue(std::nan(""))).empty());
    const auto& kind = field("kind").info;
    QCOMPARE(fieldProblem(kind, FieldValue(std::string("alpha"))), std::string());
    QVERIFY(QString::fromStdString(fieldProblem(kind, FieldValue(std::string("alpah")))).contains("did you mean 'alpha'"));
    QVERIFY(QString::fromStdString(fieldDomain(kind)).startsWith("one of alpha, beta"));
    QCOMPARE(fieldDomain(count), std::string("in 1..10"));
  }
  void applicabilityFollowsGatesAndConditions() {
    Toy t;
    QVERIFY(!field("count").applies);  // before the gate: always
    QVERIFY(!field("kind").applies(t));  // gated off
    t.on = true;
    QVERIFY(field("kind").applies(t));
    QVERIFY(!field("size").applies(t));  // gate and its own condition
    t.kind = "beta";
    QVERIFY(field("size").applies(t));
  }
  void textParsesToTheFieldsType() {
    QCOMPARE(std::get<long long>(*parseFieldValue(field("count").info, " 12 ")), 12LL);
    QVERIFY(!parseFieldValue(field("count").info, "1.5"));
    QVERIFY(!parseFieldValue(field("count").info, "many"));
    QCOMPARE(std::get<double>(*parseFieldValue(field("rate").info, "1e-5")), 1e-5);
    QVERIFY(!parseFieldValue(field("rate").info, "nan"));
    QCOMPARE(std::get<bool>(*parseFieldValue(field("on").info, "false")), false);
    QCOMPARE(std::get<bool>(*parseFieldValue(field("on").info, "1")), true);
    QVERIFY(!parseFieldValue(field("on").info, "yes"));
    QCOMPARE(std::get<std::string>(*parseFieldValue(field("kind").info, "béta")), std::string("béta"));
    QVERIFY(!parseFieldValue(field("kind").info, "d.\xea\xea.csv"));  // not UTF-8: JSON could not store it (fuzz_cli)
    QCOMPARE(formatFieldValue(FieldValue(1e-5)), std::string("1e-05"));
    QCOMPARE(formatFieldValue(FieldValue(true)), std::string("true"));
  }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
