// Tests core/privacy per-example clipping: with noise off, the per-example norms and the clipped
// gradient sum of the efficient (tape, ghost-norm, book-keeping) path equal the naive one-example-
// at-a-time reference, for every model and layer type, on padded batches of different lengths —
// the built-in models, the Hugging Face families, and GPT-2's LM head tied to its token embedding
// (whose per-example gradient is the sum of both uses).
#include <QtTest>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include "data/batching.h"
#include "models/fine_tuning.h"
#include "models/hf_transformer.h"
#include "models/model_factory.h"
#include "privacy/per_example_clipping.h"
#include "training/next_word_objective.h"

using namespace trustlab;

namespace {
Batch paddedBatch(int64_t B, int64_t T, int64_t vocab, int64_t classes, uint64_t seed) {
  torch::manual_seed(seed);
  Batch b;
  b.lengths = torch::randint(1, T + 1, {B}, torch::kLong);
  b.lengths[0] = T;  // the longest fills the batch
  b.ids = torch::randint(2, vocab, {B, T}, torch::kLong);
  b.ids.masked_fill_(torch::arange(T).unsqueeze(0) >= b.lengths.unsqueeze(1), 0);
  b.ids[1].fill_(b.ids[1][0].item<int64_t>());  // repeated tokens exercise embedding grouping
  b.lengths[1] = T;
  b.labels = torch::randint(0, classes, {B}, torch::kLong);
  return b;
}

std::vector<torch::Tensor> grads(torch::nn::Module& m) {
  std::vector<torch::Tensor> g;
  for (const auto& p : m.parameters()) g.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
  return g;
}

/// A built-in classifier of width `dim` everywhere, without dropout (the paths must see the same model).
TextClassifierPtr tinyClassifier(const std::string& type, int64_t dim, int64_t vocab, int64_t classes, int64_t T) {
  ModelConfig c;
  c.type = type;
  c.embeddingDim = dim;
  c.hiddenSize = dim;
  c.heads = 2;
  c.ffnDim = dim;
  c.dropout = 0;
  return makeClassifier(c, vocab, classes, T);
}

/// The efficient path and the naive one agree on norms, every parameter's clipped sum and the loss.
void expectSameAsNaive(torch::nn::Module& model, int64_t B, const ExampleLossFn& loss, const ClippingConfig& cfg) {
  const auto fast = clippedGradientSum(model, B, loss, cfg);
  const auto fastGrads = grads(model);
  model.zero_grad();
  const auto naive = naiveClippedGradientSum(model, B, loss, cfg);
  const auto naiveGrads = grads(model);
  QVERIFY2(torch::allclose(fast.perExampleNorms, naive.perExampleNorms, 1e-4, 1e-6),
           qPrintable(QString("norms differ by %1").arg((fast.perExampleNorms - naive.perExampleNorms).abs().max().item<double>())));
  const auto names = model.named_parameters().keys();
  for (size_t k = 0; k < fastGrads.size(); ++k)
    QVERIFY2(fastGrads[k].defined() == naiveGrads[k].defined() &&
                 (!fastGrads[k].defined() || torch::allclose(fastGrads[k], naiveGrads[k], 1e-4, 1e-6)),
             qPrintable(QString::fromStdString(names[k]) +
                        (fastGrads[k].defined() && naiveGrads[k].defined()
                             ? QString(" differs by %1").arg((fastGrads[k] - naiveGrads[k]).abs().max().item<double>())
                             : QString(" has a gradient in one path only"))));
  QVERIFY(std::abs(fast.loss.item<double>() - naive.loss.item<double>()) < 1e-4);
}

/// A tiny random model of a Hugging Face family, from its config.json text.
HfConfig tinyHfConfig(const std::string& type) {
  const std::string sizes = type == "gpt2" ? R"("n_embd": 16, "n_layer": 2, "n_head": 2, "n_positions": 16, "resid_pdrop": 0, "attn_pdrop": 0)"
                            : type == "distilbert" ? R"("dim": 16, "n_layers": 2, "n_heads": 2, "hidden_dim": 24, "max_position_embeddings": 16, "dropout": 0, "attention_dropout": 0)"
                                                   : R"("hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 24, "max_position_embeddings": 16, "hidden_dropout_prob": 0, "attention_probs_dropout_prob": 0)";
  return HfConfig::fromJson(R"({"model_type": ")" + type + R"(", "vocab_size": 30, )" + sizes + "}", "tiny " + type);
}
}  // namespace

class TestPerExampleClipping : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void matchesNaive_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("T");
    QTest::addColumn<QString>("mode");
    QTest::addColumn<double>("clip");
    QTest::newRow("bag flat") << "bag" << 16 << 9 << "flat" << 0.5;
    QTest::newRow("bag unclipped") << "bag" << 16 << 9 << "flat" << 1e6;
    QTest::newRow("bilstm flat") << "bilstm" << 8 << 7 << "flat" << 0.3;
    QTest::newRow("bilstm auto") << "bilstm" << 8 << 7 << "auto" << 1.0;
    // Wide layers over short sequences take the ghost norm, narrow ones keep per-example gradients
    // (linear.cpp: d_in·d_out against 2T(d_in + d_out) for memory, 24·d_in·d_out against
    // T²(d_in + d_out) for time).
    QTest::newRow("transformer ghost") << "transformer" << 32 << 4 << "flat" << 0.5;
    QTest::newRow("transformer per-example") << "transformer" << 4 << 12 << "flat" << 0.5;
    QTest::newRow("transformer auto") << "transformer" << 8 << 8 << "auto" << 2.0;
    QTest::newRow("bag per layer") << "bag" << 16 << 9 << "per_layer" << 0.5;
    QTest::newRow("bilstm per layer") << "bilstm" << 8 << 7 << "per_layer" << 0.3;
    QTest::newRow("transformer per layer") << "transformer" << 8 << 8 << "per_layer" << 0.5;
  }
  void matchesNaive() {
    QFETCH(QString, type);
    QFETCH(int, dim);
    QFETCH(int, T);
    QFETCH(QString, mode);
    QFETCH(double, clip);
    torch::manual_seed(11);
    auto model = tinyClassifier(type.toStdString(), dim, 30, 5, T);
    const auto batch = paddedBatch(6, T, 30, 5, 3);
    ClippingConfig cfg;
    cfg.mode = mode.toStdString();
    cfg.clipNorm = clip;
    expectSameAsNaive(*model, 6, classifierLoss(*model, batch), cfg);
  }
  void hfClassifiersMatchNaive_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("pooling");
    QTest::addColumn<QString>("mode");
    QTest::newRow("bert [CLS] flat") << "bert" << int(HfPooling::First) << "flat";
    QTest::newRow("bert mean per layer") << "bert" << int(HfPooling::Mean) << "per_layer";
    QTest::newRow("distilbert flat") << "distilbert" << int(HfPooling::First) << "flat";
    QTest::newRow("roberta auto") << "roberta" << int(HfPooling::First) << "auto";
    QTest::newRow("gpt2 last token flat") << "gpt2" << int(HfPooling::Last) << "flat";
  }
  void hfClassifiersMatchNaive() {
    QFETCH(QString, type);
    QFETCH(int, pooling);
    QFETCH(QString, mode);
    torch::manual_seed(5);
    HfClassifier model(tinyHfConfig(type.toStdString()), 3, HfPooling(pooling));
    const auto batch = paddedBatch(5, 9, 30, 3, 4);
    ClippingConfig cfg;
    cfg.mode = mode.toStdString();
    cfg.clipNorm = 0.05;
    expectSameAsNaive(*model, 5, classifierLoss(*model, batch), cfg);
  }
  /// Each fine-tuning mode: only the trained parameters get gradients, their norms and clipped sums
  /// equal the naive reference (frozen ones are neither clipped nor counted).
  void fineTuningModesMatchNaive_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("mode");
    for (const char* type : {"bert", "gpt2"})
      for (const char* mode : {"full", "top_layers", "bitfit", "lora"})
        QTest::newRow(qPrintable(QString("%1 %2").arg(type, mode))) << type << mode;
  }
  void fineTuningModesMatchNaive() {
    QFETCH(QString, type);
    QFETCH(QString, mode);
    torch::manual_seed(9);
    const auto config = tinyHfConfig(type.toStdString());
    HfClassifier model(config, 3, defaultPooling(config));
    FineTuningConfig ft;
    ft.mode = mode.toStdString();
    ft.loraRank = 2;
    applyFineTuning(*model, model->body, model->headParameters(), ft);
    if (ft.mode == "lora")  // B starts at zero; move it so the adapters' gradients are general
      for (auto& p : model->named_parameters())
        if (p.key().find("lora_B") != std::string::npos) p.value().data().normal_(0, 0.1);
    const auto batch = paddedBatch(5, 9, 30, 3, 4);
    ClippingConfig cfg;
    cfg.clipNorm = 0.05;
    expectSameAsNaive(*model, 5, classifierLoss(*model, batch), cfg);
    for (const auto& p : model->named_parameters())
      QVERIFY2(p.value().requires_grad() == p.value().grad().defined(), p.key().c_str());
  }
  /// GPT-2's LM head is its token embedding (next-word training's losses): ‖g_i‖² includes the cross term between the lookups'
  /// and the head's gradients; leaving it out (or letting one use overwrite the other) fails here.
  void tiedLmHeadMatchesNaive_data() {
    QTest::addColumn<QString>("mode");
    QTest::addColumn<double>("clip");
    QTest::newRow("flat") << "flat" << 0.5;
    QTest::newRow("unclipped") << "flat" << 1e6;
    QTest::newRow("per layer") << "per_layer" << 0.2;
  }
  void tiedLmHeadMatchesNaive() {
    QFETCH(QString, mode);
    QFETCH(double, clip);
    torch::manual_seed(6);
    HfTransformer lm(tinyHfConfig("gpt2"));
    auto batch = paddedBatch(5, 8, 30, 2, 7);
    batch.lengths[4] = 1;  // a one-token text predicts nothing: loss and gradient 0
    batch.ids[4].narrow(0, 1, 7).fill_(0);
    const auto objective = nextWordObjective(lm.ptr());  // each text's mean next-token loss
    ClippingConfig cfg;
    cfg.mode = mode.toStdString();
    cfg.clipNorm = clip;
    expectSameAsNaive(*lm, 5, objective->losses(batch), cfg);
  }
  void embeddingSumsAreTheSameForAnyThreadCount() {
    // The embedding's CPU loops split the table's rows among threads (256 a task): a 1000-word table
    // is cut in four, and every cut must give the same norms and sums, equal to the naive ones.
    torch::manual_seed(5);
    auto model = tinyClassifier("bag", 8, 1000, 4, 12);
    const auto batch = paddedBatch(10, 12, 1000, 4, 9);
    ClippingConfig cfg;
    cfg.clipNorm = 0.2;
    const int threads = at::get_num_threads();
    std::vector<std::vector<torch::Tensor>> runs;
    std::vector<torch::Tensor> norms;
    for (int t : {1, 3}) {
      at::set_num_threads(t);
      model->zero_grad();
      norms.push_back(clippedGradientSum(*model, batch, cfg).perExampleNorms);
      runs.push_back(grads(*model));
    }
    at::set_num_threads(threads);
    QVERIFY(torch::equal(norms[0], norms[1]));
    for (size_t k = 0; k < runs[0].size(); ++k) QVERIFY(torch::equal(runs[0][k], runs[1][k]));
    model->zero_grad();
    expectSameAsNaive(*model, 10, classifierLoss(*model, batch), cfg);
  }
  void flatClippingBoundsEveryContribution() {
    const auto norms = torch::tensor({0.1, 1.0, 10.0});
    ClippingConfig cfg;
    cfg.clipNorm = 1.0;
    const auto c = clippingFactors(norms, cfg);
    QVERIFY(((norms * c) <= 1.0 + 1e-6).all().item<bool>());
    QVERIFY(std::abs(c[0].item<double>() - 1.0) < 1e-12);  // small gradients are untouched
  }
};

QTEST_GUILESS_MAIN(TestPerExampleClipping)
#include "tst_per_example_clipping.moc"
