// Tests core/data default corpus: size, intents, slots, gender spread, heavy-tailed users,
// determinism; split by user, its valid and test users never train (and a dataset without user
// ids is refused).
#include <QtTest>

#include <cmath>
#include <map>
#include <set>

#include "data/default_corpus.h"
#include "util/errors.h"

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
  void userSplitHoldsOutWholeUsers() {
    auto split = d;
    splitByUser(split, 0.1, 0.1, 17, "data.split_by_user");
    QCOMPARE(split.size(), d.size());
    std::map<std::string, std::set<const void*>> splitsOf;  // user → the splits holding their texts
    std::set<std::string> users[3];
    const std::vector<Example>* splits[3] = {&split.train, &split.valid, &split.test};
    for (int k = 0; k < 3; ++k)
      for (const auto& e : *splits[k]) users[k].insert(e.user), splitsOf[e.user].insert(splits[k]);
    for (const auto& [user, held] : splitsOf) QVERIFY2(held.size() == 1, user.c_str());
    // 10 % of the users each (rounded), not of the texts.
    const double total = double(splitsOf.size());
    QCOMPARE(double(users[1].size()), std::floor(total * 0.1 + 0.5));
    QCOMPARE(double(users[2].size()), std::floor(total * 0.1 + 0.5));
    auto again = d;
    splitByUser(again, 0.1, 0.1, 17, "data.split_by_user");
    QCOMPARE(again.test.front().text, split.test.front().text);
    auto anonymous = d;
    anonymous.train.front().user.clear();
    try {
      splitByUser(anonymous, 0.1, 0.1, 17, "data.split_by_user");
      QFAIL("texts without users were split");
    } catch (const InputError& e) {
      QCOMPARE(QString::fromStdString(e.where()), QString("data.split_by_user"));
    }
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
