// Tests core/models: output shapes, padding invariance, and that a few optimizer steps lower
// the loss, for each classifier; the hand-written LSTM against a direct reference computation.
#include <QtTest>

#include <torch/torch.h>

#include "models/lstm.h"
#include "models/model_factory.h"
#include "models/text_classifier.h"

using namespace trustlab;

namespace {
ModelConfig smallConfig(const QString& type, int64_t dim = 16, double dropout = 0.1) {
  ModelConfig c;
  c.type = type.toStdString();
  c.embeddingDim = dim;
  c.hiddenSize = dim / 2;
  c.heads = 2;
  c.ffnDim = 2 * dim;
  c.dropout = dropout;
  return c;
}
}  // namespace

class TestModels : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void shapes_data() {
    QTest::addColumn<QString>("type");
    QTest::newRow("bag") << "bag";
    QTest::newRow("bilstm") << "bilstm";
    QTest::newRow("transformer") << "transformer";
  }
  void shapes() {
    QFETCH(QString, type);
    torch::manual_seed(0);
    auto m = makeClassifier(smallConfig(type), 50, 5, 12);
    const auto ids = torch::randint(2, 50, {4, 12}, torch::kLong);
    const auto lengths = torch::tensor({12L, 5L, 1L, 7L});
    QCOMPARE(m->forward(ids, lengths).sizes().vec(), (std::vector<int64_t>{4, 5}));
  }
  void paddingDoesNotChangeOutput_data() { shapes_data(); }
  void paddingDoesNotChangeOutput() {
    // The same utterance with extra padding must give the same logits (masks work).
    QFETCH(QString, type);
    torch::manual_seed(1);
    auto m = makeClassifier(smallConfig(type), 30, 3, 10);
    m->eval();
    const auto ids = torch::tensor({{5L, 7L, 9L}});
    const auto padded = torch::tensor({{5L, 7L, 9L, 0L, 0L, 0L, 0L}});
    const auto a = m->forward(ids, torch::tensor({3L}));
    const auto b = m->forward(padded, torch::tensor({3L}));
    QVERIFY2(torch::allclose(a, b, 1e-5, 1e-6), qPrintable(type));
  }
  void fewStepsLowerLoss_data() { shapes_data(); }
  void fewStepsLowerLoss() {
    QFETCH(QString, type);
    torch::manual_seed(2);
    auto m = makeClassifier(smallConfig(type, 32, 0.0), 40, 4, 8);
    // Learnable rule: the label is the first token modulo 4.
    const auto ids = torch::randint(2, 40, {64, 8}, torch::kLong);
    const auto lengths = torch::randint(1, 9, {64}, torch::kLong);
    const auto labels = ids.select(1, 0).remainder(4);
    torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
    double first = 0, last = 0;
    for (int i = 0; i < 30; ++i) {
      opt.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(m->forward(ids, lengths), labels);
      loss.backward();
      opt.step();
      (i == 0 ? first : last) = loss.item<double>();
    }
    QVERIFY2(last < 0.7 * first, qPrintable(QString("%1: %2 -> %3").arg(type).arg(first).arg(last)));
  }
  void lstmMatchesReferenceEquations() {
    torch::manual_seed(3);
    LstmLayer layer(LstmLayerOptions(3, 2));
    const auto x = torch::randn({1, 4, 3});
    const auto mask = torch::ones({1, 4}, torch::kBool);
    const auto out = layer->forward(x, mask);
    // Reference: the textbook LSTM recursion with the same weights.
    const auto params = layer->named_parameters();
    const auto Wi = params["input.weight"], bi = params["input.bias"], Wh = params["hidden.weight"];
    auto h = torch::zeros({2}), c = torch::zeros({2});
    for (int t = 0; t < 4; ++t) {
      const auto g = torch::matmul(Wi, x[0][t]) + bi + torch::matmul(Wh, h);
      // Gate order i, f, o, g.
      const auto i = torch::sigmoid(g.slice(0, 0, 2)), f = torch::sigmoid(g.slice(0, 2, 4));
      const auto o = torch::sigmoid(g.slice(0, 4, 6)), gg = torch::tanh(g.slice(0, 6, 8));
      c = f * c + i * gg;
      h = o * torch::tanh(c);
      QVERIFY(torch::allclose(out[0][t], h, 1e-5, 1e-6));
    }
  }
  void reverseDirectionStartsAtLastRealToken() {
    // Reverse LSTM on a padded sequence = forward LSTM (same weights) on the reversed real tokens.
    torch::manual_seed(4);
    LstmLayer rev(LstmLayerOptions(3, 2).reverse(true));
    LstmLayer fwd(LstmLayerOptions(3, 2));
    {
      torch::NoGradGuard g;
      for (const auto& item : fwd->named_parameters()) item.value().copy_(rev->named_parameters()[item.key()]);
    }
    const auto x = torch::randn({1, 5, 3});
    const auto mask = torch::tensor({{true, true, true, false, false}});
    const auto out = rev->forward(x, mask);
    const auto reversed = x.narrow(1, 0, 3).flip(1);
    const auto ref = fwd->forward(reversed, torch::ones({1, 3}, torch::kBool)).flip(1);
    QVERIFY(torch::allclose(out.narrow(1, 0, 3), ref, 1e-5, 1e-6));
    QVERIFY(out.narrow(1, 3, 2).abs().max().item<float>() == 0.0f);
  }
  /// tokenStates is what forward pools: a contextual model's state at a token sees a later one
  /// (both LSTM directions, self-attention), a bag of embeddings' is the token's own vector.
  void tokenStatesCarryContextWhereTheModelHasIt_data() { shapes_data(); }
  void tokenStatesCarryContextWhereTheModelHasIt() {
    QFETCH(QString, type);
    torch::manual_seed(4);
    auto m = makeClassifier(smallConfig(type), 30, 3, 10);
    m->eval();
    torch::NoGradGuard noGrad;
    const auto ids = torch::tensor({{5L, 7L, 9L, 0L}}), changed = torch::tensor({{5L, 7L, 11L, 0L}});
    const auto lengths = torch::tensor({3L});
    const auto states = m->tokenStates(m->embedTokens(ids), lengths);
    QCOMPARE(states.size(0), 1L);
    QCOMPARE(states.size(1), 4L);
    const auto first = states[0][0], firstChanged = m->tokenStates(m->embedTokens(changed), lengths)[0][0];
    if (type == "bag") QVERIFY(torch::equal(states, m->embedTokens(ids)));
    else QVERIFY2(!torch::allclose(first, firstChanged), qPrintable(type));
    QVERIFY(!m->causalStates());
  }
  void unknownModelIsInputError() {
    ModelConfig c;
    c.type = "rnn";
    QVERIFY_THROWS_EXCEPTION(std::exception, makeClassifier(c, 10, 2, 4));
  }
};

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
