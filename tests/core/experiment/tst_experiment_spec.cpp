// Tests core/experiment spec: JSON round trip, stable hash, field-named errors, validation.
#include <QtTest>

#include "experiment/experiment_spec.h"
#include "util/errors.h"

using namespace trustlab;

class TestExperimentSpec : public QObject {
  Q_OBJECT
  static QString errorOf(const std::string& json) {
    try {
      ExperimentSpec::fromJson(json, "spec.json");
    } catch (const InputError& e) {
      return e.what();
    }
    return "NO ERROR";
  }

 private Q_SLOTS:
  void roundTripAndHash() {
    ExperimentSpec s;
    s.model.type = "transformer";
    s.training.lr = 3e-4;
    s.data.dataset = "snips";
    const auto back = ExperimentSpec::fromJson(s.toJson());
    QCOMPARE(back.toJson(), s.toJson());
    QCOMPARE(back.sha256(), s.sha256());
    QCOMPARE(back.sha256().size(), size_t(64));
    ExperimentSpec other = s;
    other.training.seed = 1;
    QVERIFY(other.sha256() != s.sha256());
  }
  void partialSpecKeepsDefaults() {
    const auto s = ExperimentSpec::fromJson(R"({"model": {"type": "bag"}})");
    QCOMPARE(s.model.type, std::string("bag"));
    QCOMPARE(s.training.batchSize, ExperimentSpec().training.batchSize);
  }
  void errorsNameTheField() {
    QVERIFY(errorOf(R"({"training": {"lrr": 0.1}})").contains("field 'training.lrr'"));
    QVERIFY(errorOf(R"({"training": {"lr": "fast"}})").contains("field 'training.lr'"));
    QVERIFY(errorOf(R"({"training": {"epochs": -1.5}})").contains("training.epochs"));
    QVERIFY(errorOf(R"({"model": []})").contains("field 'model'"));
    QVERIFY(errorOf("{\n\"name\": \"x\",\n}").contains("spec.json:3"));
    QVERIFY(errorOf(R"({"data": {"max_vocab": -3}})").contains("data.max_vocab"));
  }
  void validation() {
    ExperimentSpec s;
    QVERIFY(s.validate().empty());
    s.training.lr = 0;
    s.model.type = "transformer";
    s.model.embeddingDim = 130;
    s.model.heads = 4;
    const auto issues = s.validate();
    QStringList fields;
    for (const auto& i : issues) fields << QString::fromStdString(i.field);
    QVERIFY(fields.contains("training.lr"));
    QVERIFY(fields.contains("model.heads"));
    QVERIFY_THROWS_EXCEPTION(InputError, s.requireValid());
  }
  void federatedProcesses() {
    ExperimentSpec s;
    s.federated.processes = 2;
    QVERIFY(s.validate().empty());
    QCOMPARE(ExperimentSpec::fromJson(s.toJson(), "spec").federated.processes, 2);
    s.federated.secureAggregation = true;  // simulated in one process only
    QCOMPARE(QString::fromStdString(s.validate().at(0).field), QString("federated.processes"));
    s.federated.secureAggregation = false;
    s.federated.processes = 0;
    QCOMPARE(QString::fromStdString(s.validate().at(0).field), QString("federated.processes"));
  }
};

QTEST_GUILESS_MAIN(TestExperimentSpec)
#include "tst_experiment_spec.moc"
