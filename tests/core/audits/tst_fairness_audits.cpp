// Tests core/audits' intrinsic tests of a stored run's contextual states (CEAT): each test word is
// found in the corpus sentences as the run's tokenizer spells it (word-level tokens, or a
// pretrained tokenizer's subword pieces by their byte offsets), its state is the model's token
// state there, words the vocabulary cannot spell are named, and the audit's settings are checked.
#include <QtTest>

#include <torch/torch.h>

#include "audits/ceat_audit.h"
#include "models/model_factory.h"
#include "../../support/tiny_hf_folder.h"
#include "util/errors.h"

using namespace trustlab;

namespace {
const std::vector<std::string> kSentences = {
    "the nurse said that she was late", "he met the engineer today", "she thanked the engineer",
    "the nurse and the engineer talked", "he said that he was late",   "she said the nurse was kind",
    "he is an engineer",                "she is a nurse",              "the engineer said that he agreed",
    "the nurse said that she agreed",   "he waved",                    "she waved"};

/// A run of a word-level model whose vocabulary is the sentences' words.
AuditedRun wordLevelRun(const std::string& type) {
  AuditedRun run;
  run.data.vocabulary = Vocabulary::build(kSentences, run.spec.data.tokenizer);
  ModelConfig c;
  c.type = type;
  c.embeddingDim = 8;
  c.hiddenSize = 4;
  torch::manual_seed(2);
  run.model = makeClassifier(c, long(run.data.vocabulary.size()), 2, 16);
  return run;
}
}  // namespace

class TestFairnessAudits : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private Q_SLOTS:
  void wordStatesAreTheModelsStatesAtTheWord() {
    auto run = wordLevelRun("bilstm");
    std::vector<std::string> unknown;
    const auto pools = contextualStates(run, kSentences, {"nurse", "he", "astronaut"}, 3, &unknown);
    QCOMPARE(unknown, std::vector<std::string>{"astronaut"});
    QVERIFY(!pools.count("astronaut"));
    QCOMPARE(pools.at("nurse").size(0), 3L);  // 5 occurrences, 3 kept
    QCOMPARE(pools.at("he").size(0), 3L);     // "he said that he was late" gives two
    // The first "nurse" is token 1 of the first sentence.
    torch::NoGradGuard noGrad;
    const auto ids = torch::tensor(encodeText(kSentences[0], run.data.vocabulary, run.spec.data.tokenizer), torch::kLong).unsqueeze(0);
    const auto states = run.model->tokenStates(run.model->embedTokens(ids), torch::tensor({ids.size(1)}));
    QVERIFY(torch::allclose(pools.at("nurse")[0], states[0][1].to(torch::kDouble), 1e-6, 1e-6));
    // In another context the same word has another state (the BiLSTM reads both ways)...
    QVERIFY(!torch::allclose(pools.at("nurse")[0], pools.at("nurse")[1]));
    // ...but not in a bag of embeddings, whose states are the word's vector.
    auto bag = wordLevelRun("bag");
    const auto bagPools = contextualStates(bag, kSentences, {"nurse"}, 3);
    QVERIFY(torch::allclose(bagPools.at("nurse")[0], bagPools.at("nurse")[2]));
  }

  void subwordPiecesAreAveraged() {
    // "nurse" is two WordPiece pieces in this vocabulary; its state is their mean.
    const auto folder = test::writeTinyBertFolder(dir_.filePath("bert").toStdString(),
                                                  {"the", "nur", "##se", "said", "she", "he", "was", "late"});
    AuditedRun run;
    run.spec.data.tokenizer.pretrained = folder.string();
    run.data.vocabulary = Vocabulary::ofPretrained((folder / "vocab.txt").string());
    torch::manual_seed(3);
    HfClassifier model(HfConfig::fromFile((folder / "config.json").string()), 2, HfPooling::First);
    run.model = model.ptr();
    const auto pools = contextualStates(run, {"the nurse said she was late"}, {"nurse", "she"}, 5);
    const auto e = encodePretrainedText("the nurse said she was late", tokenizerFor(run.spec));
    QCOMPARE(e.tokens.at(2), std::string("nur"));  // [CLS] the nur ##se …
    QCOMPARE(e.tokens.at(3), std::string("##se"));
    torch::NoGradGuard noGrad;
    const auto ids = torch::tensor(std::vector<int64_t>(e.ids.begin(), e.ids.end())).unsqueeze(0);
    const auto states = model->tokenStates(model->embedTokens(ids), torch::tensor({ids.size(1)})).to(torch::kDouble);
    QVERIFY(torch::allclose(pools.at("nurse")[0], states[0].narrow(0, 2, 2).mean(0), 1e-6, 1e-6));
    QVERIFY(torch::allclose(pools.at("she")[0], states[0][5], 1e-6, 1e-6));
  }

  void ceatOnARunAndItsErrors() {
    auto run = wordLevelRun("bilstm");
    WeatTest t;
    t.name = "jobs";
    t.targ1 = {"Male", {"engineer"}};
    t.targ2 = {"Female", {"nurse"}};
    t.attr1 = {"He", {"he"}};
    t.attr2 = {"She", {"she"}};
    const QString corpus = dir_.filePath("corpus.txt");
    {
      QFile f(corpus);
      QVERIFY(f.open(QIODevice::WriteOnly));
      for (const auto& s : kSentences) f.write((s + "\n").c_str());
    }
    CeatAuditOptions o;
    o.corpus = corpus.toStdString();
    o.samples = 50;
    const auto r = auditCeat(run, t, o);
    QCOMPARE(long(r.result.effectSizes.size()), 50L);
    QCOMPARE(r.sentences, long(kSentences.size()));
    QVERIFY(std::isfinite(r.result.combined.combined) && std::abs(r.result.combined.combined) <= 2);
    // Of the built-in occupation test only nurse, engineer and the pronouns are in this vocabulary:
    // the rest are named; a set with no word left is refused, naming it.
    const auto occupations = auditCeat(run, occupationTest(), o);
    QVERIFY(std::count(occupations.unknown.begin(), occupations.unknown.end(), "nurse") == 0);
    QVERIFY(std::count(occupations.unknown.begin(), occupations.unknown.end(), "him") == 1);
    t.targ1.examples = {"astronaut"};
    try {
      auditCeat(run, t, o);
      QFAIL("expected an InputError");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("Male"), e.what());
    }
    t.targ1.examples = {"engineer"};
    o.corpus = dir_.filePath("missing.txt").toStdString();
    QVERIFY_THROWS_EXCEPTION(InputError, auditCeat(run, t, o));
  }

  void settingsAreDeclaredAndChecked() {
    const Audit a = ceatAudit();
    std::vector<std::string> keys;
    for (const auto& s : a.settings) keys.push_back(s.key);
    QCOMPARE(keys, (std::vector<std::string>{"corpus", "sentences", "samples", "per_word", "seed"}));
    AuditRequest r;
    r.settings = {{"samples", "12"}, {"per_word", "2.5"}, {"seed", "-1"}};
    QCOMPARE(integerSetting(r, "samples", 2), 12L);
    for (const char* bad : {"per_word", "seed", "absent"}) {
      try {
        integerSetting(r, bad, 0);
        QFAIL(bad);
      } catch (const InputError& e) {
        QCOMPARE(QString::fromStdString(e.field()), QString(bad));
      }
    }
  }
};

QTEST_GUILESS_MAIN(TestFairnessAudits)
#include "tst_fairness_audits.moc"
