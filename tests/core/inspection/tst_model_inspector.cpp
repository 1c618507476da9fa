// Tests core/inspection: a stored run's prediction equals its model's own forward pass; gradient
// × input matches a finite difference along each token's vector; integrated gradients (256
// points) match a naive 2,000-point midpoint sum, one point at a time, and are complete (Σ IG = f(e) − f(0)); the counterfactual is the
// swapped text with its own prediction; offsets locate the tokens; bad input names its field.
#include <QtTest>

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "experiment/runner.h"
#include "inspection/model_inspector.h"
#include "store/checkpoint.h"
#include "spec/prepared_data.h"
#include "util/errors.h"
#include "../../support/tiny_hf_folder.h"

using namespace trustlab;

class TestModelInspector : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<RunStore> store_;
  long long run_ = 0;

  Checkpoint checkpoint() const { return loadCheckpoint(runArtifactDir(store_->path(), run_)); }

  /// f = log P(class | e) of the checkpoint's model at token vectors e [1, T, D], in double.
  static double f(TextClassifierImpl& model, const torch::Tensor& e, long cls) {
    torch::NoGradGuard g;
    const auto lengths = torch::full({1}, e.size(1), torch::kLong);
    return torch::log_softmax(model.forwardEmbedded(e, lengths), 1)[0][cls].item<double>();
  }

 private Q_SLOTS:
  void initTestCase() {
    store_ = std::make_unique<RunStore>((dir_.path() + "/inspect.sqlite").toStdString());
    ExperimentSpec spec;
    spec.model.type = "bilstm";
    spec.model.embeddingDim = 16;
    spec.model.hiddenSize = 16;
    spec.training.maxSteps = 60;
    spec.training.lr = 1e-2;
    RunOptions o;
    o.store = store_.get();
    run_ = runExperiment(spec, o).runId;
  }
  void predictionIsTheModelsOwn() {
    const auto inspector = ModelInspector::forRun(*store_, run_);
    const std::string text = "Play some jazz music by Miles Davis";
    const auto p = inspector.predict(text, false);
    double total = 0;
    for (double q : p.probabilities) total += q;
    QVERIFY(std::abs(total - 1) < 1e-6);
    QCOMPARE(p.probabilities.size(), inspector.labels().size());
    const auto ck = checkpoint();
    const auto ids = encodeText(text, ck.vocabulary, ck.spec.data.tokenizer);
    torch::NoGradGuard g;
    const auto probs = torch::softmax(ck.model->forward(torch::tensor(ids).unsqueeze(0), torch::tensor({long(ids.size())})), 1)[0];
    QCOMPARE(p.predicted, probs.argmax().item<long>());
    for (size_t c = 0; c < p.probabilities.size(); ++c)
      QVERIFY(std::abs(p.probabilities[c] - probs[long(c)].item<double>()) < 1e-6);
    QVERIFY(p.tokens.empty());  // no saliency asked
  }
  void saliencyMatchesNaiveReferences() {
    const auto inspector = ModelInspector::forRun(*store_, run_);
    const std::string text = "Book a table for two at an Italian restaurant";
    const auto p = inspector.predict(text, true);
    QCOMPARE(p.tokens.size(), size_t(9));
    auto ck = checkpoint();
    const auto ids = encodeText(text, ck.vocabulary, ck.spec.data.tokenizer);
    torch::Tensor e;
    {
      torch::NoGradGuard g;
      e = ck.model->embedTokens(torch::tensor(ids).unsqueeze(0));
    }
    const long cls = p.predicted;
    // Gradient × input of token t is the derivative of f(e + ε·e_t) at ε = 0 (central difference).
    double igNaive = 0;
    for (long t = 0; t < e.size(1); ++t) {
      const double h = 1e-2;
      auto up = e.clone(), down = e.clone();
      up[0][t] *= 1 + h;
      down[0][t] *= 1 - h;
      const double fd = (f(*ck.model, up, cls) - f(*ck.model, down, cls)) / (2 * h);
      const double gxi = p.tokens[size_t(t)].gradientTimesInput;
      QVERIFY2(std::abs(fd - gxi) < 2e-3 + 2e-2 * std::abs(fd), qPrintable(QString("token %1: %2 vs %3").arg(t).arg(fd).arg(gxi)));
    }
    // Integrated gradients of token 2 by a 2,000-point Riemann sum, one point at a time.
    const long t = 2, points = 2000;
    for (long k = 0; k < points; ++k) {
      const auto x = ((double(k) + 0.5) / double(points) * e).detach().requires_grad_(true);
      const auto lengths = torch::full({1}, x.size(1), torch::kLong);
      const auto out = torch::log_softmax(ck.model->forwardEmbedded(x, lengths), 1)[0][cls];
      const auto grad = torch::autograd::grad({out}, {x})[0];
      igNaive += (grad[0][t] * e[0][t]).sum().item<double>() / double(points);
    }
    const double ig = p.tokens[size_t(t)].integratedGradients;
    QVERIFY2(std::abs(ig - igNaive) < 1e-3 + 1e-2 * std::abs(igNaive), qPrintable(QString("%1 vs %2").arg(ig).arg(igNaive)));
    // Completeness: Σ IG = f(e) − f(0), up to the quadrature error.
    const double span = f(*ck.model, e, cls) - f(*ck.model, torch::zeros_like(e), cls);
    QVERIFY2(p.completenessGap < 1e-2 * std::max(1.0, std::abs(span)), qPrintable(QString::number(p.completenessGap)));
    // Offsets point at the words.
    QCOMPARE(text.substr(size_t(p.tokens[3].begin), size_t(p.tokens[3].end - p.tokens[3].begin)), std::string("for"));
  }
  void counterfactualIsTheSwappedText() {
    const auto inspector = ModelInspector::forRun(*store_, run_);
    const auto r = inspector.inspect("Remind him to call his mother", {true, true, 16});
    QVERIFY(r.counterfactual.has_value());
    QCOMPARE(r.counterfactual->text, std::string("Remind her to call her father"));
    QCOMPARE(r.swaps.size(), size_t(3));
    QCOMPARE(r.counterfactual->tokens.size(), r.original.tokens.size());
    QVERIFY(!inspector.inspect("What is the weather in Paris").counterfactual.has_value());
  }
  /// A fine-tuned hf run is inspected through its folder's WordPiece tokenizer: the prediction is
  /// the stored model's own on [CLS] … [SEP], every token is attributed, and its offsets locate it
  /// in the text (the special tokens' spans are empty).
  void pretrainedRunInspectsThroughItsTokenizer() {
    const auto folder = test::writeTinyBertFolder((dir_.path() + "/tiny-bert").toStdString(),
                                                  prepareData(ExperimentSpec()).vocabulary.tokens());
    ExperimentSpec spec;
    spec.model.type = "hf";
    spec.model.path = folder.string();
    spec.training.maxSteps = 10;
    spec.data.tokenizer.maxLength = 16;
    RunOptions o;
    o.store = store_.get();
    const auto run = runExperiment(spec, o).runId;
    const auto inspector = ModelInspector::forRun(*store_, run);
    const std::string text = "Play some Jazz music";
    const auto p = inspector.predict(text, true, 16);
    const auto ck = loadCheckpoint(runArtifactDir(store_->path(), run));
    const auto encoded = encodePretrainedText(text, tokenizerFor(ck.spec));
    QCOMPARE(encoded.tokens.front(), std::string("[CLS]"));
    QCOMPARE(p.tokens.size(), encoded.ids.size());
    const auto probs = [&] {
      torch::NoGradGuard g;
      return torch::softmax(ck.model->forward(torch::tensor(encoded.ids).unsqueeze(0),
                                              torch::tensor({long(encoded.ids.size())})), 1)[0];
    }();
    for (size_t c = 0; c < p.probabilities.size(); ++c)
      QVERIFY(std::abs(p.probabilities[c] - probs[long(c)].item<double>()) < 1e-6);
    QCOMPARE(p.tokens.front().begin, p.tokens.front().end);  // [CLS]: an empty span, as Hugging Face gives
    QCOMPARE(p.tokens[3].token, std::string("jazz"));  // uncased WordPiece: lower-cased
    QCOMPARE(text.substr(size_t(p.tokens[3].begin), size_t(p.tokens[3].end - p.tokens[3].begin)), std::string("Jazz"));
    QVERIFY(std::all_of(p.tokens.begin(), p.tokens.end(), [](const TokenAttribution& t) { return t.known; }));
    // A word the WordPiece vocabulary lacks is its [UNK], shown as unknown.
    const auto unknown = inspector.predict("play zzxqv", true, 4);
    QCOMPARE(unknown.tokens[2].token, std::string("[UNK]"));
    QVERIFY(!unknown.tokens[2].known && unknown.tokens[1].known);
  }
  void offsetsOfTokens() {
    const auto o = tokenOffsets("Hello, World!", {"hello", ",", "world", "!"});
    QCOMPARE(o, (std::vector<std::pair<long, long>>{{0, 5}, {5, 6}, {7, 12}, {12, 13}}));
    const auto chars = tokenOffsets("ab c", {"a", "b", "▁", "c"});
    QCOMPARE(chars[2], (std::pair<long, long>{-1, -1}));
    QCOMPARE(chars[3], (std::pair<long, long>{3, 4}));
  }
  void badInputNamesItsField() {
    const auto inspector = ModelInspector::forRun(*store_, run_);
    try {
      inspector.predict("   ", true);
      QFAIL("expected InputError");
    } catch (const InputError& e) {
      QCOMPARE(e.field(), std::string("text"));
    }
    QVERIFY_THROWS_EXCEPTION(InputError, inspector.predict("hello", true, 0));
    try {
      ModelInspector::forRun(*store_, 12345);
      QFAIL("expected InputError");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("run 12345"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestModelInspector)
#include "tst_model_inspector.moc"
