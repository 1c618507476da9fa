// Tests core/models/fine_tuning: each mode trains what it says (and the head always), LoRA starts
// from the pretrained function and is saved merged into a plain checkpoint, clipping gives frozen
// weights no gradient (so no optimiser or noise touches them), bad settings name their field.
#include <QtTest>

#include <torch/torch.h>

#include <filesystem>

#include "data/batching.h"
#include "layers/tracked_layers.h"
#include "models/fine_tuning.h"
#include "pretrained/hf_weights.h"
#include "pretrained/safetensors.h"
#include "privacy/per_example_clipping.h"
#include "util/errors.h"

using namespace trustlab;

namespace {

HfConfig smallBert() {
  return HfConfig::fromJson(R"({"model_type": "bert", "vocab_size": 50, "hidden_size": 16, "num_hidden_layers": 3,
      "num_attention_heads": 2, "intermediate_size": 32, "max_position_embeddings": 20, "hidden_dropout_prob": 0,
      "attention_probs_dropout_prob": 0})",
                            "small bert");
}

std::set<std::string> trained(const torch::nn::Module& m) {
  std::set<std::string> out;
  for (const auto& p : m.named_parameters())
    if (p.value().requires_grad()) out.insert(p.key());
  return out;
}

HfClassifier tuned(const std::string& mode, long topLayers = 1) {
  torch::manual_seed(3);
  HfClassifier model(smallBert(), 2, HfPooling::First);
  FineTuningConfig c;
  c.mode = mode;
  c.topLayers = topLayers;
  c.loraRank = 4;
  applyFineTuning(*model, model->body, model->headParameters(), c);
  return model;
}

Batch batch() {
  Batch b;
  b.ids = torch::tensor({2, 7, 9, 3, 2, 8, 3, 0}, torch::kLong).view({2, 4});
  b.lengths = torch::tensor({4, 3}, torch::kLong);
  b.labels = torch::tensor({0, 1}, torch::kLong);
  return b;
}

}  // namespace

class TestFineTuning : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void modesTrainWhatTheySay() {
    const auto head = std::set<std::string>{"pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias"};
    QCOMPARE(trained(*tuned("full")).size(), tuned("full")->named_parameters().size());
    for (const auto& name : trained(*tuned("top_layers")))
      QVERIFY2(head.count(name) || name.rfind("encoder.layer.2.", 0) == 0, name.c_str());
    QCOMPARE(trained(*tuned("top_layers", 2)).size(), 2 * 16 + head.size());  // 16 tensors per BERT block
    for (const auto& name : trained(*tuned("bitfit")))
      QVERIFY2(head.count(name) || name.substr(name.size() - 5) == ".bias", name.c_str());
    const auto lora = trained(*tuned("lora"));
    QCOMPARE(lora.size(), 3 * 3 * 2 + head.size());  // 3 blocks × q, k, v × A, B
    QVERIFY(lora.count("encoder.layer.0.attention.self.query.lora_A.weight"));
    const auto [trainable, total] = trainableCount(*tuned("lora"));
    QVERIFY(trainable > 0 && trainable < total / 5);
  }

  void loraStartsFromThePretrainedFunctionAndSavesMerged() {
    torch::manual_seed(3);
    HfClassifier plain(smallBert(), 2, HfPooling::First);
    auto lora = tuned("lora");
    const auto b = batch();
    torch::NoGradGuard noGrad;
    QVERIFY(torch::equal(plain->forward(b.ids, b.lengths), lora->forward(b.ids, b.lengths)));  // B = 0
    for (auto& p : lora->named_parameters())
      if (p.key().find("lora_B") != std::string::npos) p.value().normal_(0, 0.2);
    const auto adapted = lora->forward(b.ids, b.lengths);
    QVERIFY(!torch::allclose(adapted, plain->forward(b.ids, b.lengths)));
    const auto dir = std::filesystem::path(TRUSTLAB_TEST_OUTPUT_DIR) / "fine-tuning";
    std::filesystem::create_directories(dir);
    const auto path = (dir / "model.safetensors").string();
    saveHfWeights(*lora, "bert", path);
    const SafetensorsFile file(path);
    for (const auto& name : file.names()) QVERIFY2(name.find("lora") == std::string::npos, name.c_str());
    loadHfWeights(*plain, "bert", file);
    QVERIFY(torch::allclose(plain->forward(b.ids, b.lengths), adapted, 1e-5, 1e-6));
  }

  void frozenWeightsGetNoGradient() {
    auto model = tuned("bitfit");
    ClippingConfig clip;
    clip.clipNorm = 1;
    const auto b = batch();
    clippedGradientSum(*model, b, clip);
    for (const auto& p : model->named_parameters())
      QVERIFY2(p.value().grad().defined() == p.value().requires_grad(), p.key().c_str());
    QCOMPARE(trainableParameters(*model).size(), trained(*model).size());
  }

  void badSettingsNameTheirField() {
    HfClassifier model(smallBert(), 2, HfPooling::First);
    FineTuningConfig c;
    c.mode = "top_layers";
    c.topLayers = 4;
    try {
      applyFineTuning(*model, model->body, model->headParameters(), c);
      QFAIL("4 of 3 layers accepted");
    } catch (const InputError& e) {
      QCOMPARE(e.where(), std::string("model.top_layers"));
    }
    c.mode = "lora";
    c.loraRank = 0;
    QVERIFY_THROWS_EXCEPTION(InputError, applyFineTuning(*model, model->body, model->headParameters(), c));
  }
};

QTEST_GUILESS_MAIN(TestFineTuning)
#include "tst_fine_tuning.moc"
