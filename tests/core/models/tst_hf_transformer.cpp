// Tests core/models/hf_transformer (and the causal LM on it): BERT, DistilBERT, RoBERTa and GPT-2
// built from the tracked layers match an independent implementation from torch.nn parts
// (scripts/make_reference_checkpoints.py on Debian's python3-torch, seeded random weights, real
// vocabularies) to 1e-5 with padding; a modified model saved back loads in that implementation;
// hub names (bare, prefixed) load, missing or mis-shaped tensors are refused by name; generation
// is seeded and its filters keep what they promise. Skips the reference checks when python3-torch
// or ../shared/data is absent.
#include <QtTest>

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/causal_lm.h"
#include "models/hf_transformer.h"
#include "pretrained/hf_folder_writer.h"
#include "pretrained/hf_weights.h"
#include "pretrained/safetensors.h"
#include "util/errors.h"
#include "util/text.h"

using namespace trustlab;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kReference = fs::path(TRUSTLAB_TEST_OUTPUT_DIR) / "hf-reference";
const char* kPython = "/usr/bin/python3";

torch::Tensor toTensor(const json& rows, torch::Dtype dtype) {
  std::vector<torch::Tensor> out;
  for (const auto& r : rows) {
    if (r.is_array() && !r.empty() && r[0].is_array()) out.push_back(toTensor(r, dtype));
    else out.push_back(torch::tensor(r.get<std::vector<double>>(), torch::kFloat64).to(dtype));
  }
  return torch::stack(out);
}

struct Reference {
  torch::Tensor ids, mask, hidden, lastLogits;
};
Reference readReference(const fs::path& file) {
  const auto j = json::parse(readFile(file.string()));
  Reference r;
  r.ids = toTensor(j["input_ids"], torch::kLong);
  r.mask = toTensor(j["attention_mask"], torch::kLong).to(torch::kBool);
  r.hidden = toTensor(j["last_hidden_state"], torch::kFloat32);
  if (j.contains("last_logits")) r.lastLogits = toTensor(j["last_logits"], torch::kFloat32);
  return r;
}

double maxErrorAtTokens(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& mask) {
  return (a.index({mask}) - b.index({mask})).abs().max().item<double>();
}

/// A tiny random configuration of `type`.
HfConfig tinyConfig(const std::string& type) {
  HfConfig c;
  c.modelType = type;
  c.hiddenSize = 16;
  c.layers = 2;
  c.heads = 2;
  c.intermediateSize = 32;
  c.activation = type == "gpt2" ? "gelu_new" : "gelu";
  c.maxPositions = 24;
  c.vocabSize = 40;
  c.typeVocabSize = type == "bert" || type == "roberta" ? 2 : 0;
  c.padTokenId = type == "roberta" ? 1 : 0;
  c.tiedEmbeddings = type == "gpt2";
  c.hiddenDropout = c.attentionDropout = 0;
  return c;
}

std::vector<std::pair<std::string, torch::Tensor>> parametersOf(const torch::nn::Module& m, const std::string& prefix = "") {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : m.named_parameters()) out.emplace_back(prefix + p.key(), p.value().detach().clone());
  return out;
}

int runPython(const QStringList& args) {
  QProcess p;
  p.setProcessChannelMode(QProcess::ForwardedChannels);
  p.start(kPython, args);
  if (!p.waitForFinished(120000)) return -1;
  return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

}  // namespace

class TestHfTransformer : public QObject {
  Q_OBJECT
  bool haveReference_ = false;

 private Q_SLOTS:
  void initTestCase() {
    if (!fs::is_directory(fs::path(TRUSTLAB_TEST_DATA_DIR) / "tokenizers")) return;
    if (runPython({"-c", "import torch"}) != 0) return;
    fs::remove_all(kReference);
    QCOMPARE(runPython({TRUSTLAB_SOURCE_DIR "/scripts/make_reference_checkpoints.py", QString::fromStdString(kReference.string()),
                        "--shared", TRUSTLAB_TEST_DATA_DIR}),
             0);
    haveReference_ = true;
  }

  void matchesReference_data() {
    QTest::addColumn<QString>("folder");
    for (const char* f : {"bert-tiny-random", "distilbert-tiny-random", "roberta-tiny-random", "gpt2-shaped-random"})
      QTest::newRow(f) << f;
  }
  void matchesReference() {
    if (!haveReference_) QSKIP("needs Debian's python3-torch at /usr/bin/python3 and ../shared/data/tokenizers");
    QFETCH(QString, folder);
    const auto dir = kReference / folder.toStdString();
    WeightMatch report;
    auto model = loadHfTransformer(openHfModelFolder(dir.string()), &report);
    QVERIFY(report.missing.empty());
    QVERIFY2(report.unused.empty(), report.unused.empty() ? "" : report.unused.front().c_str());
    const auto ref = readReference(dir / "reference.json");
    torch::NoGradGuard noGrad;
    const auto hidden = model->forward(ref.ids, ref.mask);
    const double error = maxErrorAtTokens(hidden, ref.hidden, ref.mask);
    qInfo("%s: last_hidden_state max abs error %.3g", qPrintable(folder), error);
    QVERIFY2(error <= 1e-5, qPrintable(QString("error %1").arg(error)));
    if (ref.lastLogits.defined()) {
      const auto last = ref.mask.sum(1) - 1;
      const auto logits = model->body.lmLogits(hidden.index({torch::arange(hidden.size(0)), last}));
      const double logitError = (logits - ref.lastLogits).abs().max().item<double>();
      qInfo("%s: last-position logits max abs error %.3g", qPrintable(folder), logitError);
      // Relative to the logits' size: the reference's own BLAS sums them in an order that depends
      // on its threads (float32, |logit| ≈ 40: one ulp is 3.8e-6; a loaded machine moved it 4 ulps).
      const double scale = std::max(1.0, ref.lastLogits.abs().max().item<double>());
      QVERIFY2(logitError <= 1e-6 * scale, qPrintable(QString("error %1 at scale %2").arg(logitError).arg(scale)));
    }
  }

  /// A model changed by training steps, saved in the hub layout, loads into the reference
  /// implementation (and back into TrustLab) with the same outputs.
  void savedModelReloadsInReference_data() {
    QTest::addColumn<QString>("folder");
    QTest::newRow("bert") << "bert-tiny-random";
    QTest::newRow("gpt2") << "gpt2-shaped-random";
  }
  void savedModelReloadsInReference() {
    if (!haveReference_) QSKIP("needs Debian's python3-torch at /usr/bin/python3 and ../shared/data/tokenizers");
    QFETCH(QString, folder);
    const auto source = openHfModelFolder((kReference / folder.toStdString()).string());
    auto model = loadHfTransformer(source);
    const auto ref = readReference(kReference / folder.toStdString() / "reference.json");
    torch::optim::SGD sgd(model->parameters(), 0.05);
    for (int step = 0; step < 3; ++step) {
      sgd.zero_grad();
      model->forward(ref.ids, ref.mask).pow(3).mean().backward();
      sgd.step();
    }
    const auto saved = fs::path(TRUSTLAB_TEST_OUTPUT_DIR) / ("hf-saved-" + folder.toStdString());
    fs::remove_all(saved);
    fs::create_directories(saved);
    fs::copy_file(source.config, saved / "config.json");
    saveHfWeights(*model, source.settings.modelType, (saved / "model.safetensors").string());
    torch::NoGradGuard noGrad;
    const auto hidden = model->forward(ref.ids, ref.mask);
    QVERIFY(maxErrorAtTokens(hidden, ref.hidden, ref.mask) > 1e-3);  // training did change the model
    std::vector<std::vector<std::vector<float>>> rows;
    for (int64_t b = 0; b < hidden.size(0); ++b) {
      rows.emplace_back();
      for (int64_t t = 0; t < hidden.size(1); ++t) {
        const auto h = hidden[b][t].contiguous();
        rows.back().emplace_back(h.data_ptr<float>(), h.data_ptr<float>() + h.numel());
      }
    }
    const auto idsJson = json::parse(readFile((kReference / folder.toStdString() / "reference.json").string()));
    std::ofstream((saved / "expected.json").string())
        << json{{"input_ids", idsJson["input_ids"]}, {"attention_mask", idsJson["attention_mask"]}, {"last_hidden_state", rows}}.dump();
    QCOMPARE(runPython({TRUSTLAB_SOURCE_DIR "/scripts/make_reference_checkpoints.py", QString::fromStdString(saved.string()),
                        "--reload"}),
             0);
    // And TrustLab reads its own file back bit for bit.
    fs::copy_file(fs::path(source.folder) / "config.json", saved / "config.json", fs::copy_options::overwrite_existing);
    auto back = loadHfTransformer(openHfModelFolder(saved.string()));
    QVERIFY(torch::equal(back->forward(ref.ids, ref.mask), hidden));
  }

  void writtenConfigReadsBackUnchanged() {
    for (const std::string type : {"bert", "distilbert", "roberta", "gpt2"}) {
      auto c = tinyConfig(type);
      c.layerNormEps = type == "gpt2" ? 1e-5 : 1e-12;
      c.hiddenDropout = 0.1, c.attentionDropout = 0.2;
      const auto back = HfConfig::fromJson(hfConfigJson(c, "Model"), type);
      QCOMPARE(back.modelType, c.modelType);
      QCOMPARE(std::vector<long>({back.hiddenSize, back.layers, back.heads, back.intermediateSize, back.maxPositions,
                                  back.vocabSize, back.typeVocabSize, back.padTokenId}),
               std::vector<long>({c.hiddenSize, c.layers, c.heads, c.intermediateSize, c.maxPositions, c.vocabSize,
                                  c.typeVocabSize, c.padTokenId}));
      QCOMPARE(back.activation, c.activation);
      QCOMPARE(back.layerNormEps, c.layerNormEps);
      QCOMPARE(back.tiedEmbeddings, c.tiedEmbeddings);
      QCOMPARE(back.hiddenDropout, c.hiddenDropout);
      QCOMPARE(back.attentionDropout, c.attentionDropout);
    }
  }
  void hubNamesLoadBareOrPrefixed() {
    const auto dir = fs::path(TRUSTLAB_TEST_OUTPUT_DIR) / "hf-prefixed";
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto c = tinyConfig("bert");
    HfTransformer source(c);
    auto tensors = parametersOf(*source, "bert.");
    tensors.emplace_back("cls.predictions.bias", torch::zeros({c.vocabSize}));  // a pre-training head
    tensors.emplace_back("bert.embeddings.position_ids", torch::arange(c.maxPositions).to(torch::kFloat32));
    writeSafetensors((dir / "model.safetensors").string(), tensors);
    const SafetensorsFile file((dir / "model.safetensors").string());
    HfTransformer loaded(c);
    const auto report = loadHfWeights(*loaded, "bert", file);
    QCOMPARE(report.unused, std::vector<std::string>{"cls.predictions.bias"});  // the buffer is not reported
    for (const auto& [name, value] : parametersOf(*loaded, "bert."))
      QVERIFY2(torch::equal(value, file.tensor(name)), name.c_str());
  }

  void missingOrMisshapedTensorsAreNamed() {
    const auto dir = fs::path(TRUSTLAB_TEST_OUTPUT_DIR) / "hf-broken";
    fs::create_directories(dir);
    const auto c = tinyConfig("gpt2");
    HfTransformer model(c);
    auto tensors = parametersOf(*model);
    const auto path = (dir / "model.safetensors").string();
    writeSafetensors(path, {tensors.begin() + 1, tensors.end()});  // drops wte.weight
    try {
      loadHfWeights(*model, "gpt2", SafetensorsFile(path));
      QFAIL("a missing tensor was accepted");
    } catch (const InputError& e) {
      QCOMPARE(e.where(), path);
      QVERIFY(std::string(e.what()).find("wte.weight") != std::string::npos);
    }
    tensors[0].second = torch::zeros({c.vocabSize + 1, c.hiddenSize});
    writeSafetensors(path, tensors);
    try {
      loadHfWeights(*model, "gpt2", SafetensorsFile(path));
      QFAIL("a mis-shaped tensor was accepted");
    } catch (const InputError& e) {
      QVERIFY(std::string(e.what()).find("'wte.weight' has shape [41, 16]") != std::string::npos);
    }
    // A classifier's new head may be missing (it keeps its initialisation); the body may not.
    HfClassifier classifier(tinyConfig("distilbert"), 3, HfPooling::First);
    HfTransformer base(tinyConfig("distilbert"));
    writeSafetensors(path, parametersOf(*base));
    const auto report = loadHfWeights(*classifier, "distilbert", SafetensorsFile(path), classifier->headParameters());
    QCOMPARE(report.missing.size(), size_t(4));  // pre_classifier and classifier, weight and bias
  }

  void conv1dWeightsAreStoredTransposed() {
    const auto dir = fs::path(TRUSTLAB_TEST_OUTPUT_DIR) / "hf-conv1d";
    fs::create_directories(dir);
    const auto c = tinyConfig("gpt2");
    HfTransformer model(c);
    const auto path = (dir / "model.safetensors").string();
    saveHfWeights(*model, "gpt2", path);
    const SafetensorsFile file(path);
    QCOMPARE(file.entry("h.0.attn.c_attn.weight").shape, (std::vector<int64_t>{16, 48}));  // [in, out]
    QCOMPARE(file.entry("h.0.mlp.c_proj.weight").shape, (std::vector<int64_t>{32, 16}));
  }

  void nextTokenLossesIgnorePadding() {
    torch::manual_seed(1);
    HfTransformer model(tinyConfig("gpt2"));
    model->eval();
    const auto ids = torch::tensor({3, 7, 9, 4, 11, 5, 0, 0}, torch::kLong).view({2, 4});
    const auto both = nextTokenLosses(*model, ids, torch::tensor({4, 2}, torch::kLong));
    const auto alone = nextTokenLosses(*model, ids[1].narrow(0, 0, 2).unsqueeze(0), torch::tensor({2}, torch::kLong));
    QVERIFY(torch::allclose(both.losses[1], alone.losses[0], 1e-5, 1e-6));
    QCOMPARE(both.counts[0].item<double>(), 3.0);
    QCOMPARE(both.counts[1].item<double>(), 1.0);
    // Example 0 by hand: Σ_t −log p(x_{t+1} | x_≤t).
    const auto logits = model->body.lmLogits(model->forward(ids[0].unsqueeze(0), torch::ones({1, 4}, torch::kBool)));
    const auto nll = torch::nn::functional::cross_entropy(logits[0].narrow(0, 0, 3), ids[0].narrow(0, 1, 3),
                                                          torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
    QVERIFY(std::abs(nll.item<double>() - both.losses[0].item<double>()) < 1e-4);
  }

  void generationIsSeededAndGreedyIsArgmax() {
    torch::manual_seed(2);
    HfTransformer model(tinyConfig("gpt2"));
    model->eval();
    GenerationOptions greedy;
    greedy.temperature = 0;
    greedy.maxNewTokens = 5;
    const auto g = generateTokens(*model, {3, 4}, greedy);
    QCOMPARE(g.size(), size_t(5));
    std::vector<long> sequence{3, 4};
    for (const long next : g) {  // each step's argmax
      torch::NoGradGuard noGrad;
      const auto ids = torch::tensor(std::vector<int64_t>(sequence.begin(), sequence.end()), torch::kLong).unsqueeze(0);
      const auto logits = model->body.lmLogits(model->forward(ids, torch::ones_like(ids, torch::kBool)))[0][-1];
      QCOMPARE(next, logits.argmax().item<long>());
      sequence.push_back(next);
    }
    GenerationOptions sampled;
    sampled.maxNewTokens = 12;
    sampled.seed = 7;
    QCOMPARE(generateTokens(*model, {3}, sampled), generateTokens(*model, {3}, sampled));
    auto other = sampled;
    other.seed = 8;
    QVERIFY(generateTokens(*model, {3}, sampled) != generateTokens(*model, {3}, other));
    greedy.maxNewTokens = 30;
    QVERIFY_THROWS_EXCEPTION(InputError, generateTokens(*model, {1}, greedy));  // 31 > 24 positions
    greedy.maxNewTokens = 5;
    greedy.banned = {g[0]};  // a banned token is never chosen, even where it is the argmax
    QVERIFY(generateTokens(*model, {3, 4}, greedy)[0] != g[0]);
  }

  /// A classifier's token states are the body's last_hidden_state; GPT-2's are causal (a later
  /// token changes no earlier state), BERT's are not.
  void classifierTokenStatesAreTheBodysHiddenStates() {
    for (const char* type : {"gpt2", "bert"}) {
      torch::manual_seed(5);
      HfClassifier m(tinyConfig(type), 2, HfPooling::Last);
      m->eval();
      torch::NoGradGuard noGrad;
      const auto ids = torch::tensor({{5L, 7L, 9L}}), changed = torch::tensor({{5L, 7L, 11L}});
      const auto lengths = torch::tensor({3L});
      const auto states = m->tokenStates(m->embedTokens(ids), lengths);
      QVERIFY(torch::allclose(states, m->body.forwardEmbedded(m->embedTokens(ids), torch::ones({1, 3}, torch::kBool))));
      const bool causal = std::string(type) == "gpt2";
      QCOMPARE(m->causalStates(), causal);
      const auto earlier = m->tokenStates(m->embedTokens(changed), lengths).narrow(1, 0, 2);
      QCOMPARE(torch::allclose(states.narrow(1, 0, 2), earlier), causal);
    }
  }
  void studentStartsFromEveryOtherTeacherLayer() {
    torch::manual_seed(3);
    auto config = tinyConfig("gpt2");
    config.layers = 4;
    HfTransformer teacher(config);
    const auto student = studentOf(*teacher, 2);
    QCOMPARE(student->body.config().layers, 2L);
    const auto t = teacher->named_parameters();
    const auto s = student->named_parameters();
    const size_t perBlock = (t.size() - 4) / 4;  // besides wte, wpe and ln_f's two
    QCOMPARE(s.size(), 4 + 2 * perBlock);
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"wte.weight", "wte.weight"}, {"ln_f.bias", "ln_f.bias"}, {"h.0.attn.c_attn.weight", "h.0.attn.c_attn.weight"},
             {"h.2.mlp.c_fc.weight", "h.1.mlp.c_fc.weight"}, {"h.2.ln_1.weight", "h.1.ln_1.weight"}})
      QVERIFY2(torch::equal(t[from], s[to]), to.c_str());
    QVERIFY(!torch::equal(t["h.1.mlp.c_fc.weight"], s["h.1.mlp.c_fc.weight"]));  // block 1 is teacher block 2
    QVERIFY(s["h.0.attn.c_attn.weight"].data_ptr() != t["h.0.attn.c_attn.weight"].data_ptr());  // copied, not shared
    QVERIFY_THROWS_EXCEPTION(InputError, studentOf(*teacher, 0));
    QVERIFY_THROWS_EXCEPTION(InputError, studentOf(*teacher, 5));
  }

  void samplingFiltersKeepWhatTheyPromise() {
    const auto logits = torch::log(torch::tensor({0.5, 0.2, 0.15, 0.1, 0.05}, torch::kFloat64));
    GenerationOptions o;
    o.topK = 2;
    auto p = samplingDistribution(logits, o);
    QCOMPARE((p > 0).sum().item<long>(), 2L);
    QVERIFY(std::abs(p[0].item<double>() - 0.5 / 0.7) < 1e-9);
    o.topK = 0;
    o.topP = 0.8;  // 0.5 + 0.2 = 0.7 < 0.8, so the third token (crossing 0.8) is kept, the rest not
    p = samplingDistribution(logits, o);
    QCOMPARE((p > 0).sum().item<long>(), 3L);
    QVERIFY(p[3].item<double>() == 0 && p[4].item<double>() == 0);
    o.topP = 1;
    o.temperature = 2;  // flatter: p ∝ √p₀
    p = samplingDistribution(logits, o);
    QVERIFY(std::abs(p[0].item<double>() / p[4].item<double>() - std::sqrt(10.0)) < 1e-9);
  }
};

QTEST_GUILESS_MAIN(TestHfTransformer)
#include "tst_hf_transformer.moc"
