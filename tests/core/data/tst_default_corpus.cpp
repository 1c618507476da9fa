// Tests core/data default corpus: size, intents, slots, gender spread, heavy-tailed users,
// determinism.
#include <QtTest>

#include <map>
#include <set>

#include "data/default_corpus.h"

using namespace trustlab;

class TestDefaultCorpus : public QObject {
  Q_OBJECT
  Dataset d = generateDefaultCorpus();

 private Q_SLOTS:
  void sizeAndIntents() {
    QVERIFY(d.size() >= 8000);
    QVERIFY(d.labels().size() >= 15);
    QVERIFY(!d.valid.empty() && !d.test.empty());
  }
  void slotsNamesAndGenderSpreadOverIntents() {
    std::map<std::string, std::set<std::string>> genderIntents;
    size_t withSlots = 0, female = 0, male = 0;
    for (const auto& e : d.train) {
      withSlots += !e.slotValues.empty();
      if (!e.gender.empty()) genderIntents[e.gender].insert(e.label);
      female += e.gender == "female";
      male += e.gender == "male";
      for (const auto& s : e.slotValues) QVERIFY2(e.text.find(s.value) != std::string::npos, e.text.c_str());
    }
    QVERIFY(withSlots > d.train.size() / 2);
    QVERIFY(genderIntents["female"].size() >= 10);
    QVERIFY(genderIntents["male"].size() >= 10);
    QVERIFY(female > 500 && male > 500);
  }
  void usersAreHeavyTailed() {
    std::map<std::string, size_t> perUser;
    for (const auto* split : {&d.train, &d.valid, &d.test})
      for (const auto& e : *split) ++perUser[e.user];
    std::vector<size_t> counts;
    for (const auto& [u, n] : perUser) counts.push_back(n);
    std::sort(counts.rbegin(), counts.rend());
    QVERIFY(counts.size() > 300);
    size_t top = 0, total = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
      total += counts[i];
      if (i < counts.size() / 100) top += counts[i];
    }
    // Top 1 % of users hold far more than 1 % of the data; the median user has few utterances.
    QVERIFY2(double(top) / double(total) > 0.15, qPrintable(QString::number(double(top) / double(total))));
    QVERIFY(counts[counts.size() / 2] <= 5);
    QVERIFY(counts.front() > 100);
  }
  void deterministic() {
    const auto again = generateDefaultCorpus();
    QCOMPARE(again.train.size(), d.train.size());
    for (size_t i = 0; i < d.train.size(); i += 97) {
      QCOMPARE(again.train[i].text, d.train[i].text);
      QCOMPARE(again.train[i].user, d.train[i].user);
    }
  }
};

QTEST_GUILESS_MAIN(TestDefaultCorpus)
#include "tst_default_corpus.moc"
