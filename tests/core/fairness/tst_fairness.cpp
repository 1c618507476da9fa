// Tests core/fairness against the hand-computed vectors of ../shared/docs/fairness.md: group rates
// and disparities, bias AUCs and their power mean, counterfactual token fairness, WEAT (effect
// size, exact permutation p), DerSimonian–Laird; WEAT finds a planted association and ≈ 0 without
// one; gender swaps keep case, resolve "her" by context and round-trip on the word lists; EEC's
// paired t-test; prediction sensitivity against the analytic Jacobian; the gender swap on words
// and on GPT-2's subword surfaces; role-reversal distillation halves the planted disparity of
// plain KD at ≤ 10 % more perplexity; a word LM saved as a Hugging Face folder reads back the same
// (model and WordLevel tokenizer).
#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "fairness/counterfactual.h"
#include "fairness/eec.h"
#include "fairness/group_metrics.h"
#include "fairness/lm_corpus.h"
#include "fairness/role_reversal_distillation.h"
#include "data/gendered_corpus.h"
#include "fairness/prediction_sensitivity.h"
#include "fairness/metric_correlation.h"
#include "fairness/weat.h"
#include "privacy/log_math.h"
#include "models/model_factory.h"
#include "pretrained/hf_config.h"
#include "tokenizers/pretrained_tokenizer.h"
#include "util/errors.h"
#include "util/runtime.h"

using namespace trustlab;

namespace {

bool near(double a, double b, double tol = 1e-6) { return std::abs(a - b) < tol; }

// fairness.md §5.3: two groups of six.
const std::vector<int> kY = {1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1};
const std::vector<double> kScore = {.9, .6, .7, .2, .4, .1, .8, .65, .3, .55, .5, .35};
const std::vector<std::string> kGroup = {"A", "A", "A", "A", "A", "A", "B", "B", "B", "B", "B", "B"};

std::string dataDir() { return TRUSTLAB_TEST_DATA_DIR; }

}  // namespace

class TestFairness : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void groupRatesAndDisparities() {
    std::vector<int> yhat;
    for (double s : kScore) yhat.push_back(s >= 0.5);
    const auto rates = ratesByGroup(kY, yhat, kGroup);
    QVERIFY(near(rates.at("A").selectionRate, 0.5) && near(rates.at("B").selectionRate, 2.0 / 3));
    QVERIFY(near(rates.at("A").tpr, 2.0 / 3) && near(rates.at("A").fpr, 1.0 / 3));
    QVERIFY(near(rates.at("B").fpr, 2.0 / 3) && near(rates.at("B").accuracy, 0.5));
    QVERIFY(near(rates.at("A").fnr, 1.0 / 3));
    const auto dp = disparity(rates, &GroupRates::selectionRate);
    QVERIFY(near(dp.difference, 0.166667) && near(dp.ratio, 0.75));
    QVERIFY(near(disparity(rates, &GroupRates::tpr).difference, 0));
    QVERIFY(near(disparity(rates, &GroupRates::fpr).difference, 0.333333));
    QVERIFY(near(equalizedOdds(rates, true).difference, 0.333333));
    QVERIFY(near(equalizedOdds(rates, false).difference, 0.166667));
    QVERIFY(near(equalizedOdds(rates).ratio, 0.5));
  }
  void biasAucsAndPowerMean() {
    std::vector<bool> inA, inB;
    for (const auto& g : kGroup) inA.push_back(g == "A"), inB.push_back(g == "B");
    const auto a = biasAucs(kScore, kY, inA), b = biasAucs(kScore, kY, inB);
    QVERIFY(near(a.subgroup, .777778) && near(a.bpsn, .777778) && near(a.bnsp, .666667));
    QVERIFY(near(b.subgroup, .666667) && near(b.bpsn, .666667) && near(b.bnsp, .777778));
    QVERIFY(near(powerMean({.9, .8, .7}, -5), 0.775509));
    QVERIFY(std::isnan(biasAucs({.1, .2}, {1, 1}, {true, true}).subgroup));  // no negatives
  }
  void counterfactualTokenFairness() {
    QVERIFY(near(counterfactualTokenFairnessGap({.8}, {{.6, .7}}), 0.15));
    QCOMPARE(counterfactualFlipRate({.8}, {{.6, .7}}, .5), 0.0);
    QCOMPARE(counterfactualFlipRate({.8, .3}, {{.4}, {.6}}, .5), 1.0);
  }
  void bootstrapCoversTheEstimate() {
    std::vector<double> x;
    std::mt19937_64 rng(3);
    std::normal_distribution<double> n(2, 1);
    for (int i = 0; i < 400; ++i) x.push_back(n(rng));
    const auto mean = [&](const std::vector<long>& rows) {
      double s = 0;
      for (long r : rows) s += x[size_t(r)];
      return s / double(rows.size());
    };
    const auto ci = bootstrapInterval(400, mean, 500, 7);
    QVERIFY(ci.low < 2 && ci.high > 2);
    QVERIFY(std::abs((ci.high - ci.low) - 2 * 1.96 / std::sqrt(400.0)) < 0.05);  // ≈ the normal interval
  }
  /// BCa: on a mean it agrees with the normal interval; on a correlation near 1, whose sampling
  /// distribution is skewed, its interval is lopsided towards 0 yet holds the estimate.
  void bcaBootstrapFollowsTheSamplingDistribution() {
    QCOMPARE(logmath::normalQuantile(0.975), 1.9599639845400536);
    QVERIFY(std::abs(logmath::normalQuantile(1e-10) + 6.361340902404056) < 1e-9);
    QVERIFY(std::abs(logmath::normalQuantile(0.3) + 0.5244005127080407) < 1e-12);
    std::mt19937_64 rng(5);
    std::normal_distribution<double> n(0, 1);
    std::vector<double> x, y;
    for (int i = 0; i < 400; ++i) x.push_back(2 + n(rng));
    const auto mean = [&](const std::vector<long>& rows) {
      double s = 0;
      for (long r : rows) s += x[size_t(r)];
      return s / double(rows.size());
    };
    const auto m = bcaBootstrap(400, mean, 2000, 7);
    QVERIFY(m.ci.low < m.value && m.value < m.ci.high);
    QVERIFY(std::abs((m.ci.high - m.ci.low) - 2 * 1.96 / std::sqrt(400.0)) < 0.04);
    x.resize(30);
    for (int i = 0; i < 30; ++i) y.push_back(x[size_t(i)] + 0.25 * n(rng));
    const auto r = bcaBootstrap(30, [&](const std::vector<long>& rows) {
      std::vector<double> a, b;
      for (long k : rows) a.push_back(x[size_t(k)]), b.push_back(y[size_t(k)]);
      return pearson(a, b);
    }, 2000, 9);
    QCOMPARE(r.value, pearson(x, y));
    QVERIFY2(r.ci.low < r.value && r.value < r.ci.high && r.ci.high < 1, qPrintable(QString("%1 [%2, %3]").arg(r.value).arg(r.ci.low).arg(r.ci.high)));
    QVERIFY(r.value - r.ci.low > r.ci.high - r.value);  // skewed: more room below than above
  }
  void correlationsKnownAnswers() {
    const std::vector<double> x = {1, 2, 3, 4, 5}, y = {2, 4, 5, 4, 5};
    QVERIFY(std::abs(pearson(x, y) - 0.7745966692414834) < 1e-12);
    QCOMPARE(averageRanks(y), (std::vector<double>{1, 2.5, 4.5, 2.5, 4.5}));
    QVERIFY(std::abs(spearman(x, y) - 0.7378647873726218) < 1e-12);
    QCOMPARE(spearman(x, {1, 8, 27, 64, 125}), 1.0);  // monotone: ρ = 1 whatever the shape
    QVERIFY(std::isnan(pearson(x, {3, 3, 3, 3, 3})));   // a constant metric correlates with nothing
    QVERIFY(std::isnan(pearson({1, 2}, {2, 1})));
    // A matrix over runs; a run missing one metric leaves only the pairs with that metric.
    const double nan = std::nan("");
    const auto m = correlateMetrics({{"a", {1, 2, 3, 4, 5, 6}}, {"b", {2, 1, 4, 3, 6, 5}}, {"c", {6, 5, 4, nan, 2, 1}}}, 500);
    QCOMPARE(m.keys, (std::vector<std::string>{"a", "b", "c"}));
    QCOMPARE(m.cells[0][2].runs, 5L);
    QCOMPARE(m.cells[0][1].runs, 6L);
    QCOMPARE(m.cells[0][2].spearman.value, -1.0);
    QCOMPARE(m.cells[1][0].pearson.value, m.cells[0][1].pearson.value);
    QCOMPARE(m.cells[1][1].spearman.value, 1.0);
    QVERIFY(m.cells[0][1].pearson.ci.low <= m.cells[0][1].pearson.value && m.cells[0][1].pearson.value <= m.cells[0][1].pearson.ci.high);
    QVERIFY_THROWS_EXCEPTION(InputError, correlateMetrics({{"a", {1, 2, 3}}, {"b", {1, 2}}}));
  }
  void weatKnownAnswer() {
    const auto X = torch::tensor({1., .2, .9, .5, .6, .3}, torch::kDouble).view({3, 2});
    const auto Y = torch::tensor({.2, 1., .4, .8, .7, .9}, torch::kDouble).view({3, 2});
    const auto A = torch::tensor({1., 0., .8, .2}, torch::kDouble).view({2, 2});
    const auto B = torch::tensor({0., 1., .3, .9}, torch::kDouble).view({2, 2});
    const auto s = associations(X, A, B);
    QVERIFY(near(s[0].item<double>(), 0.643597) && near(s[2].item<double>(), 0.358147));
    const auto r = weat(X, Y, A, B);
    QVERIFY(near(r.statistic, 2.543532));
    QVERIFY(near(r.effectSize, 1.679977));
    QVERIFY(r.exact);
    QCOMPARE(r.partitions, 20L);
    QVERIFY(near(r.pValue, 0.05, 1e-12));
  }
  void weatFindsAPlantedAssociationOnly() {
    torch::manual_seed(1);
    const auto u = torch::randn({50}, torch::kDouble);
    const auto words = [](long n) { return torch::randn({n, 50}, torch::kDouble); };
    const auto planted = weat(words(25) + u, words(25) - u, words(25) + u, words(25) - u, 20000, 3);
    QVERIFY2(planted.effectSize > 1.5, qPrintable(QString::number(planted.effectSize)));
    QVERIFY(!planted.exact);
    QVERIFY(near(planted.pValue, 1.0 / 20000, 1e-12));  // nothing beats it but the observed split
    const auto none = weat(words(25), words(25), words(25), words(25), 20000, 3);
    QVERIFY2(std::abs(none.effectSize) < 0.6, qPrintable(QString::number(none.effectSize)));
    QVERIFY2(none.pValue > 0.01, qPrintable(QString::number(none.pValue)));
  }
  void ceatCombinesContextualSamples() {
    torch::manual_seed(5);
    const auto u = torch::randn({16}, torch::kDouble);
    WeatTest t;
    t.name = "synthetic";
    t.targ1 = {"X", {"x1", "x2", "x3", "x4"}};
    t.targ2 = {"Y", {"y1", "y2", "y3", "y4"}};
    t.attr1 = {"A", {"a1", "a2", "a3"}};
    t.attr2 = {"B", {"b1", "b2", "b3", "gone"}};
    for (double strength : {1.0, 0.0}) {
      std::map<std::string, torch::Tensor> pools;  // 30 contexts per word around its planted direction
      for (const auto* set : {&t.targ1, &t.attr1})
        for (const auto& w : set->examples) pools[w] = torch::randn({30, 16}, torch::kDouble) + strength * u;
      for (const auto* set : {&t.targ2, &t.attr2})
        for (const auto& w : set->examples)
          if (w != "gone") pools[w] = torch::randn({30, 16}, torch::kDouble) - strength * u;
      const auto r = ceat(pools, t, 300, 2);
      QCOMPARE(r.effectSizes.size(), size_t(300));
      QCOMPARE(r.missing, std::vector<std::string>{"gone"});
      if (strength > 0) {
        QVERIFY2(r.combined.combined > 1 && r.combined.pOneSided < 1e-6, qPrintable(QString::number(r.combined.combined)));
      } else {
        QVERIFY2(std::abs(r.combined.combined) < 0.3, qPrintable(QString::number(r.combined.combined)));
      }
    }
  }
  void randomEffectsKnownAnswer() {
    const auto r = randomEffects({0.52, 0.81, 1.10, 0.35, 0.95}, {0.04, 0.09, 0.0625, 0.01, 0.05});
    QVERIFY(near(r.q, 12.807069) && near(r.tau2, 0.083204));
    QVERIFY(near(r.combined, 0.701052) && near(r.se, 0.160149) && near(r.z, 4.377493, 1e-5));
    QVERIFY(near(r.pOneSided, 6.003e-06, 1e-8));
    QVERIFY_THROWS_EXCEPTION(InputError, randomEffects({1}, {1}));
  }
  void swapsKeepCaseAndResolveHer() {
    const auto s = GenderSwapper::builtIn();
    QCOMPARE(QString::fromStdString(s.swap("She called her mother.").text), QString("He called his father."));
    QCOMPARE(QString::fromStdString(s.swap("call her back, then text her").text), QString("call him back, then text him"));
    QCOMPARE(QString::fromStdString(s.swap("JOHN met Mary's brother").text), QString("PATRICIA met James's sister"));
    QCOMPARE(QString::fromStdString(s.swap("set a timer for ten minutes").text), QString("set a timer for ten minutes"));
    const auto c = s.swap("remind my Dad about his keys");
    QCOMPARE(c.swaps.size(), size_t(2));
    for (const auto& w : c.swaps) {
      QCOMPARE(c.text.substr(w.targetBegin, w.targetEnd - w.targetBegin), w.to);
      QCOMPARE(std::string("remind my Dad about his keys").substr(w.sourceBegin, w.sourceEnd - w.sourceBegin), w.from);
    }
    QCOMPARE(QString::fromStdString(s.groupOf("call her back")), QString("female"));
    QCOMPARE(QString::fromStdString(s.groupOf("ring Brian's phone")), QString("male"));
    QCOMPARE(QString::fromStdString(s.groupOf("he and his wife")), QString("mixed"));
    QCOMPARE(QString::fromStdString(s.groupOf("play jazz")), QString("none"));
    // Round trip: swapping twice gives the text back ("his keys" → "her keys" → "his keys").
    for (const char* t : {"remind my Dad about his keys", "tell him the news", "ask the waitress for her bill",
                          "Call Brian and his wife"})
      QCOMPARE(QString::fromStdString(s.swap(s.swap(t).text).text), QString(t));
  }
  void swapListsRoundTripFromFiles() {
    const auto corefBias = dataDir() + "/gender_word_lists/corefBias/generalized_swaps.txt";
    const auto cda = dataDir() + "/gender_word_lists/cds_hallmaudslay2019/cda_default_pairs.json";
    const auto male = dataDir() + "/first_names_census1990/dist.male.first";
    if (!std::filesystem::exists(corefBias)) QSKIP("../shared/data not present");
    GenderSwapper s;
    QVERIFY(s.loadPairs(corefBias) > 90);
    QVERIFY(s.loadPairs(cda) > 50);
    QVERIFY(s.loadCensusNames(male, dataDir() + "/first_names_census1990/dist.female.first", 500) > 800);
    QCOMPARE(QString::fromStdString(s.partner("james")), QString("mary"));
    long checked = 0;
    for (const auto& path : {corefBias}) {
      std::ifstream in(path);
      std::string line;
      while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        std::string a = line.substr(0, tab);
        a.erase(a.find_last_not_of(" \t\r") + 1);
        a.erase(0, a.find_first_not_of(" \t"));
        if (a == "her" || a == "hers" || a == "his") continue;  // context-dependent by design
        const std::string b = s.partner(a);
        if (s.partner(b) != a) continue;  // one-way entries (a word listed with two partners)
        QCOMPARE(QString::fromStdString(s.swap(s.swap(a).text).text), QString::fromStdString(a));
        ++checked;
      }
    }
    QVERIFY(checked > 80);
    const auto bad = QDir::temp().filePath("tst_fairness_bad_pairs.txt").toStdString();
    std::ofstream(bad) << "he she\n";
    QVERIFY_THROWS_EXCEPTION(InputError, s.loadPairs(bad));
  }
  void predictionSensitivityMatchesTheAnalyticJacobian() {
    // Bag model: f = softmax(W·mean(e) + c), so wᵀJ at every position is u/L with
    // u = e_ŷᵀ(diag(p) − ppᵀ)W; g linear on mean(e) gives v = |w_g|/(L‖w_g‖₁) everywhere.
    torch::manual_seed(2);
    ModelConfig c;
    c.type = "bag";
    c.embeddingDim = 6;
    c.dropout = 0;
    auto model = makeClassifier(c, 20, 3, 5);
    const EncodedSplit split{torch::randint(2, 20, {4, 5}, torch::kLong), torch::tensor({5L, 3L, 1L, 4L}),
                             torch::zeros({4}, torch::kLong)};
    ProtectedStatusModel g;
    g.weight = torch::randn({6});
    g.bias = torch::zeros({1});
    const auto ps = predictionSensitivity(*model, g, split, torch::kCPU);
    QCOMPARE(ps.size(), size_t(4));
    auto params = model->named_parameters();
    const auto W = params["output.weight"].detach().to(torch::kDouble);
    const auto table = model->tokenEmbeddingTable().detach().to(torch::kDouble);
    for (long i = 0; i < 4; ++i) {
      const long L = split.lengths[i].item<long>();
      const auto mean = table.index_select(0, split.ids[i].narrow(0, 0, L)).mean(0);
      const auto p = torch::softmax(W.matmul(mean) + params["output.bias"].detach().to(torch::kDouble), 0);
      const long y = p.argmax().item<long>();
      const auto jac = torch::diag(p) - torch::outer(p, p);
      const auto u = jac[y].matmul(W);
      const auto w = g.weight.to(torch::kDouble).abs();
      const double expected = std::abs(u.dot(w).item<double>()) / (double(L) * w.sum().item<double>());
      QVERIFY2(std::abs(ps[size_t(i)] - expected) < 1e-6 * std::max(1.0, expected),
               qPrintable(QString("%1 vs %2").arg(ps[size_t(i)]).arg(expected)));
    }
    // The protected-status model learns a planted direction.
    const auto gender = std::vector<int>{1, 0, 1, 0};
    QVERIFY_THROWS_EXCEPTION(InputError, trainProtectedStatus(*model, split, {1, 1, 1, -1}, torch::kCPU));
    const auto fitted = trainProtectedStatus(*model, split, gender, torch::kCPU);
    QCOMPARE(fitted.examples, 4L);
    QCOMPARE(fitted.accuracy, 1.0);  // four points in six dimensions are separable
  }
  void eecPairedGap() {
    // R: t.test(c(1, 2, 3, 4, 5)) → t = 4.2426, df = 4, p = 0.01324; 2 * pt(-2, 10) = 0.07338803.
    QVERIFY(near(studentTwoSidedP(2.0, 10), 0.07338803));
    std::vector<EecSentence> s;
    std::vector<double> score;
    for (int cell = 0; cell < 5; ++cell)
      for (const char* g : {"female", "male"}) {
        s.push_back({"x", "t" + std::to_string(cell), "p", g, "", "joy", "glad"});
        score.push_back(std::string(g) == "female" ? 10.0 + 2 * (cell + 1) : 10.0 + (cell + 1));  // f − m = cell + 1
      }
    const auto r = eecGenderGap(s, score);
    QCOMPARE(r.overall.pairs, 5L);
    QVERIFY(near(r.overall.meanDifference, 3));
    QVERIFY(near(r.overall.t, 4.242641));
    QVERIFY(near(r.overall.pValue, 0.01324, 1e-5));
    QCOMPARE(r.byEmotion.at("joy").pairs, 5L);
    const auto path = dataDir() + "/eec/Equity-Evaluation-Corpus.csv";
    if (!std::filesystem::exists(path)) QSKIP("../shared/data not present");
    const auto eec = loadEec(path);
    QCOMPARE(eec.size(), size_t(8640));
    QCOMPARE(QString::fromStdString(eec[0].sentence), QString("Alonzo feels angry."));
  }
  void swappedDistributionReadsThroughTheSwap() {
    const auto v = LmVocabulary::ofWords({"he she her his him keys"}, 100);
    const auto id = [&](const char* w) { return v.wordId(w); };
    auto p = torch::zeros({long(v.size())}, torch::kDouble);
    p[id("he")] = 0.1, p[id("she")] = 0.3, p[id("her")] = 0.2, p[id("his")] = 0.15, p[id("him")] = 0.05, p[id("keys")] = 0.2;
    const auto q = swapDistribution(p, vocabularySwap(v, GenderSwapper::builtIn()));
    QVERIFY(near(q[id("he")].item<double>(), 0.3) && near(q[id("she")].item<double>(), 0.1));
    QVERIFY(near(q[id("her")].item<double>(), 0.2));                 // his + him
    QVERIFY(near(q[id("his")].item<double>(), 0.2 * 0.15 / 0.2));   // her, shared as his : him
    QVERIFY(near(q[id("him")].item<double>(), 0.2 * 0.05 / 0.2));
    QVERIFY(near(q[id("keys")].item<double>(), 0.2));
    QVERIFY(near(q.sum().item<double>(), 1));
    const auto m = mixDistributions(p, q, "mean");
    QVERIFY(near(m[id("he")].item<double>(), m[id("she")].item<double>()));  // the pair is balanced
    QVERIFY(near(mixDistributions(p, q, "expmean").sum().item<double>(), 1));
  }
  void subwordSwapReadsTokenSurfaces() {
    const std::string gpt2 = dataDir() + "/tokenizers/gpt2";
    if (!std::filesystem::exists(gpt2 + "/encoder.json")) QSKIP("../shared/data not present");
    const auto v = LmVocabulary::ofTokenizer(sharedPretrainedTokenizer(gpt2));
    QCOMPARE(v.size(), 50257L);
    QCOMPARE(v.start(), 50256L);  // <|endoftext|> starts and ends
    const auto swap = vocabularySwap(v, GenderSwapper::builtIn());
    const auto sigma = [&](const char* surface) { return v.surfaces()[size_t(swap.sigma[v.surfaceId(surface)].item<long>())]; };
    QCOMPARE(QString::fromStdString(sigma(" he")), QString(" she"));  // the space stays with the word
    QCOMPARE(QString::fromStdString(sigma("He")), QString("She"));    // and so does the case
    QCOMPARE(QString::fromStdString(sigma(" king")), QString(" queen"));
    QCOMPARE(QString::fromStdString(sigma(" the")), QString(" the"));
    QCOMPARE(v.wordId("she"), v.surfaceId(" she"));  // after a prompt, a word starts with its space
    bool spaced = false;
    for (const auto& [her, his, him] : swap.herHisHim)
      spaced |= her == v.surfaceId(" her") && his == v.surfaceId(" his") && him == v.surfaceId(" him");
    QVERIFY(spaced);
    auto p = torch::rand({v.size()}, torch::kDouble);
    p /= p.sum();
    QVERIFY(near(swapDistribution(p, swap).sum().item<double>(), 1, 1e-9));
    // The generated corpus in GPT-2's tokens: pronoun and occupation swaps keep the token count.
    LmCorpusOptions o;
    o.tokenizer = gpt2;
    const auto corpus = buildLmCorpus(generateGenderedCorpus({300, 0.9, 3}), GenderSwapper::builtIn(), o);
    QVERIFY(corpus.vocabulary.kind() == "byte_bpe");
    const double aligned = corpus.twinAligned.to(torch::kDouble).mean().item<double>();
    QVERIFY2(aligned > 0.9, qPrintable(QString::number(aligned)));
    QVERIFY(!torch::equal(corpus.train.ids, corpus.trainSwapped.ids));
  }
  void roleReversalDistillationHalvesThePlantedDisparity() {
    configureThreads();
    const auto swapper = GenderSwapper::builtIn();
    LmCorpusOptions c;
    c.seed = 3;
    const auto corpus = buildLmCorpus(generateGenderedCorpus({1500, 0.9, 3}), swapper, c);
    QVERIFY(corpus.twinAligned.all().item<bool>());  // word for word, every twin lines up
    torch::manual_seed(3);
    auto teacher = wordLanguageModel(corpus.vocabulary.size(), 48, 2, 64);
    LmTrainOptions t;
    // Small batches at a larger step learn the association from 1 500 texts in 10 epochs (the
    // defaults need ~4 000 × 12; at 6 epochs here it is not yet learned).
    t.epochs = 10;
    t.batchSize = 32;
    t.lr = 1e-2;
    trainLanguageModel(*teacher, corpus, t);
    const double teacherDisparity = occupationDisparity(*teacher, corpus.vocabulary);
    QVERIFY2(teacherDisparity > 0.5, qPrintable(QString::number(teacherDisparity)));  // it learned the association
    std::map<std::string, std::pair<double, double>> result;  // method → disparity, perplexity
    for (const char* method : {"kd", "perturb", "both"}) {
      torch::manual_seed(4);
      auto student = studentOf(*teacher, 1);  // DistilGPT-2's way: half the teacher's layers
      DistillationOptions o;
      o.method = method;
      o.training.epochs = 2;
      distill(*teacher, *student, corpus, o);
      result[method] = {occupationDisparity(*student, corpus.vocabulary), perplexity(*student, corpus.valid)};
      qInfo("%s: disparity %.3f, perplexity %.3f (teacher %.3f)", method, result[method].first, result[method].second,
            teacherDisparity);
    }
    const auto [kd, kdPerplexity] = result["kd"];
    for (const char* method : {"perturb", "both"}) {
      const auto [d, ppl] = result[method];
      QVERIFY2(d <= 0.5 * kd, qPrintable(QString("%1: %2 vs KD %3").arg(method).arg(d).arg(kd)));
      QVERIFY2(ppl <= 1.1 * kdPerplexity, qPrintable(QString("%1: perplexity %2 vs KD %3").arg(method).arg(ppl).arg(kdPerplexity)));
    }
    auto untrained = wordLanguageModel(corpus.vocabulary.size(), 8, 1, 64);
    DistillationOptions bad;
    bad.method = "swap";
    QVERIFY_THROWS_EXCEPTION(InputError, distill(*teacher, *untrained, corpus, bad));
    auto otherVocabulary = wordLanguageModel(corpus.vocabulary.size() + 1, 8, 1, 64);
    QVERIFY_THROWS_EXCEPTION(InputError, distill(*teacher, *otherVocabulary, corpus, DistillationOptions{}));
  }
  void savedWordLanguageModelReadsBack() {
    const auto corpus = buildLmCorpus(generateGenderedCorpus({300, 0.9, 5}), GenderSwapper::builtIn(), {});
    torch::manual_seed(5);
    auto lm = wordLanguageModel(corpus.vocabulary.size(), 16, 1, 64);
    LmTrainOptions t;
    t.epochs = 1;
    trainLanguageModel(*lm, corpus, t);
    QTemporaryDir dir;
    saveLanguageModel(*lm, corpus.vocabulary, "", dir.path().toStdString());
    // The model: the same next-token logits from the folder.
    auto back = loadHfTransformer(openHfModelFolder(dir.path().toStdString()));
    back->eval();
    const auto rows = corpus.valid.select(torch::arange(0, 4));
    const auto mask = tokenMask(rows.lengths, rows.ids.size(1));
    torch::NoGradGuard noGrad;
    QVERIFY(torch::allclose(lm->body.lmLogits(lm->forward(rows.ids, mask)), back->body.lmLogits(back->forward(rows.ids, mask)),
                            1e-5, 1e-6));
    // The tokenizer: a sentence's ids as the corpus gave them (after its start token).
    const auto tokenizer = loadPretrainedTokenizer(dir.path().toStdString());
    QCOMPARE(tokenizer->format(), std::string("word_level"));
    const std::string sentence = "The nurse said that she, quite honestly, was zzzunseen.";
    auto ids = corpus.vocabulary.encode(sentence);
    ids.erase(ids.begin());
    QCOMPARE(tokenizer->encode(sentence).ids, ids);
    QVERIFY(std::find(ids.begin(), ids.end(), tokenizer->unknownId()) != ids.end());
  }
  void seatFilesLoad() {
    const auto path = dataDir() + "/weat_seat/sent-weat6.jsonl";
    if (!std::filesystem::exists(path)) QSKIP("../shared/data not present");
    const auto t = loadWeatTest(path);
    QCOMPARE(QString::fromStdString(t.targ1.category), QString("MaleNames"));
    QCOMPARE(QString::fromStdString(t.attr2.category), QString("Family"));
    QCOMPARE(t.targ1.examples.size(), size_t(64));
    QCOMPARE(t.attr1.examples.size(), size_t(101));  // as in the file (fairness.md says 112: that is attr2)
    QCOMPARE(t.attr2.examples.size(), size_t(112));
  }
};

QTEST_GUILESS_MAIN(TestFairness)
#include "tst_fairness.moc"
