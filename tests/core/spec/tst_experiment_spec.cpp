// Tests core/experiment spec: JSON round trip, stable hash, field-named errors, validation.
#include <QtTest>

#include <algorithm>

#include <QJsonDocument>
#include <QJsonObject>

#include "spec/experiment_spec.h"
#include "spec/prepared_data.h"
#include "spec/run_name.h"
#include "spec/spec_fields.h"
#include "spec/spec_warnings.h"
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
    s.training.lr = -1;
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
  void nextWordObjectiveNeedsAWordModelAndFederatedTraining() {
    ExperimentSpec s;
    s.training.objective = "next_word";
    QStringList fields;
    for (const auto& i : s.validate()) fields << QString::fromStdString(i.field);
    QVERIFY2(fields.contains("model.type") && fields.contains("training.objective"), qPrintable(fields.join(", ")));
    s.model.type = "transformer";
    s.federated.enabled = true;
    QVERIFY(s.validate().empty());
    s.training.objective = "summarise";
    QCOMPARE(QString::fromStdString(s.validate().at(0).field), QString("training.objective"));
  }
  void unknownFieldsSuggestTheNearest() {
    QVERIFY(errorOf(R"({"training": {"lrr": 0.1}})").contains("did you mean 'lr'"));
    QVERIFY(errorOf(R"({"trainig": {}})").contains("did you mean 'training'"));
    QVERIFY(errorOf(R"({"model": {"type": "bilstm", "zzz": 1}})").contains("field 'model.zzz'"));
  }
  void everyDeclaredFieldIsInTheJsonAndReadBack() {
    // Change every field to another valid value, write, read: each survives, and the JSON holds
    // exactly the declared fields.
    ExperimentSpec s;
    for (const auto& f : specFields()) {
      const FieldValue v = f.get(s);
      if (const auto* b = std::get_if<bool>(&v)) f.set(s, !*b);
      else if (const auto* i = std::get_if<long long>(&v)) f.set(s, *i + 1);
      else if (const auto* d = std::get_if<double>(&v)) f.set(s, *d * 0.5 + 0.01);
      else f.set(s, std::get<std::string>(v) + "x");
    }
    const auto back = ExperimentSpec::fromJson(s.toJson());
    for (const auto& f : specFields())
      QVERIFY2(f.get(back) == f.get(s), f.path().c_str());
    const auto j = QJsonDocument::fromJson(QByteArray::fromStdString(s.toJson())).object();
    int keys = 0;
    for (const auto& k : j.keys()) keys += j[k].isObject() ? int(j[k].toObject().size()) : 1;
    QCOMPARE(size_t(keys), specFields().size());
    QVERIFY(findSpecField("training.lr") != nullptr);
    QVERIFY(findSpecField("training.nope") == nullptr);
  }
  void fieldsApplyOnlyWhereTheyMatter() {
    ExperimentSpec s;
    const auto applies = [&](const char* path) { return findSpecField(path)->appliesTo(s); };
    s.model.type = "bilstm";
    QVERIFY(applies("model.hidden_size") && !applies("model.heads") && !applies("model.ffn_dim"));
    s.model.type = "transformer";
    QVERIFY(!applies("model.hidden_size") && applies("model.heads"));
    s.model.type = "bag";
    QVERIFY(!applies("model.layers"));
    QVERIFY(applies("privacy.mode") && !applies("privacy.clip"));
    s.training.privacy.mode = "edp";
    QVERIFY(applies("privacy.clip") && applies("privacy.noise_multiplier"));
    s.training.privacy.targetEpsilon = 3;
    QVERIFY(!applies("privacy.noise_multiplier"));
    QVERIFY(!applies("federated.rounds"));
    s.federated.enabled = true;
    s.federated.partition = "natural";
    QVERIFY(applies("federated.rounds") && !applies("federated.alpha") && !applies("federated.clients"));
    s.federated.partition = "dirichlet";
    QVERIFY(applies("federated.alpha") && applies("federated.clients"));
    QVERIFY(!applies("federated.mu"));
    s.federated.algorithm = "fedprox";
    QVERIFY(applies("federated.mu"));
  }
  /// A pretrained tokenizer brings its vocabulary: the word-level vocabulary's options are not
  /// shown, whether data.pretrained_tokenizer names it or an hf model's folder brings it.
  void vocabularyOptionsOnlyWithoutAPretrainedTokenizer() {
    const char* options[] = {"data.tokenizer", "data.lowercase", "data.min_frequency", "data.max_vocab"};
    ExperimentSpec s;
    const auto anyApplies = [&] {
      return std::any_of(std::begin(options), std::end(options), [&](const char* p) { return findSpecField(p)->appliesTo(s); });
    };
    const auto allApply = [&] {
      return std::all_of(std::begin(options), std::end(options), [&](const char* p) { return findSpecField(p)->appliesTo(s); });
    };
    QVERIFY(allApply());
    s.model.type = "hf";
    s.model.path = "/models/bert-base-uncased";
    QVERIFY(!anyApplies());
    QVERIFY(findSpecField("data.pretrained_tokenizer")->appliesTo(s) && findSpecField("data.max_length")->appliesTo(s));
    s.model.type = "bilstm";
    QVERIFY(allApply());
    s.data.tokenizer.pretrained = "/models/gpt2";
    QVERIFY(!anyApplies());
  }
  void choicesComeFromTheRegistries() {
    ExperimentSpec s;
    s.model.type = "bilstmm";
    s.training.privacy.accountant = "rpd";
    s.federated.partition = "dirichlett";
    QStringList messages;
    for (const auto& i : s.validate()) messages << QString::fromStdString(i.field + ": " + i.message);
    const QString all = messages.join('\n');
    QVERIFY2(all.contains("model.type: unknown value 'bilstmm' (did you mean 'bilstm'?"), qPrintable(all));
    QVERIFY2(all.contains("privacy.accountant: unknown value 'rpd' (did you mean 'rdp'?"), qPrintable(all));
    QVERIFY2(all.contains("federated.partition: unknown value 'dirichlett'"), qPrintable(all));
  }
  void tokenizerIsAChoiceAndCanariesNeedWholeTokens() {
    ExperimentSpec s;
    s.data.tokenizer.type = "chars";
    QVERIFY2(!s.validate().empty() && s.validate().front().field == "data.tokenizer", s.validate().front().field.c_str());
    s.data.tokenizer.type = "char";
    QVERIFY(s.validate().empty());
    QCOMPARE(ExperimentSpec::fromJson(s.toJson()).data.tokenizer.type, std::string("char"));
    // A character-level run on the default corpus: a vocabulary of characters, ▁ between words.
    const auto data = prepareData(s);
    QVERIFY(data.vocabulary.size() < 100);
    QVERIFY(data.vocabulary.id("\u2581") != Vocabulary::kUnk);
    // Canaries are scored as prefix + secret tokens: a tokenizer that splits them is refused
    // before anything trains.
    s.audit.canaries = 1;
    try {
      prepareData(s);
      QFAIL("canaries were planted under a tokenizer that splits them");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("data.tokenizer"), e.what());
    }
    s.data.tokenizer.type = "whitespace";
    QCOMPARE(prepareData(s).canaries.size(), size_t(1));
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
  void defaultRunNamesSayWhatDiffers() {
    ExperimentSpec s;
    QCOMPARE(defaultRunName(s), s.model.type);  // nothing differs: the model alone
    s.training.privacy.mode = "edp";
    s.training.privacy.targetEpsilon = 3;
    s.training.seed = 2;
    QCOMPARE(QString::fromStdString(defaultRunName(s)), QString("bilstm edp ε=3 seed 2"));
    s.training.lr = 0.003;
    s.data.dataset = "/data/snips/train.jsonl";
    QCOMPARE(QString::fromStdString(defaultRunName(s)), QString("bilstm edp ε=3 dataset=train.jsonl lr=0.003 seed 2"));
    s.training.batchSize = 32, s.training.epochs = 9, s.model.hiddenSize = 17;
    QVERIFY(QString::fromStdString(defaultRunName(s)).contains("+3 more"));
    s.federated.enabled = true;
    s.training.privacy.mode = kPrivacyOff;
    QVERIFY(QString::fromStdString(defaultRunName(s)).startsWith("bilstm fl fedavg"));
    s.name = "my baseline";  // a name the researcher gave wins
    QCOMPARE(defaultRunName(s), std::string("my baseline"));
  }
  void warnsAboutLegalButDubiousChoices() {
    const auto fields = [](const std::vector<SpecIssue>& issues) {
      QStringList out;
      for (const auto& i : issues) out << QString::fromStdString(i.field);
      return out;
    };
    ExperimentSpec s;
    QVERIFY(specWarnings(s).empty());
    s.training.privacy.mode = "edp";
    s.training.privacy.targetEpsilon = 3;
    s.training.privacy.delta = 1e-5;
    QVERIFY(specWarnings(s, 1000).empty());
    QCOMPARE(fields(specWarnings(s, 100000)), QStringList{"privacy.delta"});  // δ = 1/N
    s.training.privacy.targetEpsilon = 12;
    QCOMPARE(fields(specWarnings(s, 1000)), QStringList{"privacy.target_epsilon"});
    s.training.privacy.mode = kPrivacyOff;
    s.federated.enabled = true;
    s.federated.selection = "activity";
    s.federated.aggregation = "samples";
    QCOMPARE(fields(specWarnings(s)), QStringList{"federated.aggregation"});
    s.federated.aggregation = "equal";  // the unbiased pair
    QVERIFY(specWarnings(s).empty());
    QVERIFY(s.validate().empty());  // warnings never stop a run
  }
};

QTEST_GUILESS_MAIN(TestExperimentSpec)
#include "tst_experiment_spec.moc"
