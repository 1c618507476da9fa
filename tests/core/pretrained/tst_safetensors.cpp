// Tests core/pretrained: safetensors written and read back exactly (F32, F16, BF16, converted to
// the compute dtype), a file assembled byte by byte read as the format defines it, every malformed
// file named with the tensor at fault, and config.json of each supported family read into one
// description (unsupported types and bad fields named).
#include <QtTest>

#include <torch/torch.h>

#include <cstring>
#include <fstream>

#include "pretrained/hf_config.h"
#include "pretrained/safetensors.h"
#include "util/errors.h"

using namespace trustlab;

namespace {

/// A safetensors file from a header text and data bytes, as the format lays them out.
std::string rawFile(const QTemporaryDir& dir, const char* name, const std::string& header, const std::string& data) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[size_t(i)] = char((uint64_t(header.size()) >> (8 * i)) & 0xFF);
  bytes += header + data;
  const std::string path = (dir.path() + "/" + name).toStdString();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

/// The message of the InputError `f` throws ("" when it throws none).
template <typename F>
QString errorOf(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

class TestSafetensors : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private Q_SLOTS:
  void writesAndReadsBack() {
    torch::manual_seed(0);
    const auto a = torch::randn({3, 4});
    const auto half = torch::randn({5}).to(torch::kFloat16);
    const auto bf = torch::randn({2, 2}).to(torch::kBFloat16);
    const std::string path = (dir_.path() + "/model.safetensors").toStdString();
    writeSafetensors(path, {{"encoder.weight", a}, {"h", half}, {"b", bf}}, {{"format", "pt"}});
    const SafetensorsFile f(path);
    QCOMPARE(f.names(), (std::vector<std::string>{"encoder.weight", "h", "b"}));
    QCOMPARE(f.entry("h").dtype, std::string("F16"));
    QCOMPARE(f.entry("b").shape, (std::vector<int64_t>{2, 2}));
    QCOMPARE(f.metadata().at("format"), std::string("pt"));
    QVERIFY(torch::equal(f.tensor("encoder.weight"), a));
    QVERIFY(torch::equal(f.tensor("h"), half.to(torch::kFloat32)));
    QVERIFY(torch::equal(f.tensor("b", torch::kBFloat16), bf));
    QCOMPARE(f.tensor("h").scalar_type(), torch::kFloat32);
    // The data section starts 8-byte aligned (the header is padded with spaces).
    std::ifstream in(path, std::ios::binary);
    unsigned char length[8];
    in.read(reinterpret_cast<char*>(length), 8);
    QCOMPARE(length[0] % 8, 0);
  }
  void readsTheFormatByteByByte() {
    // F16 1.0 = 0x3C00, BF16 -2.0 = 0xC000, F32 0.5 = 0x3F000000, all little-endian.
    const std::string data = std::string("\x00\x3C", 2) + std::string("\x00\xC0", 2) + std::string("\x00\x00\x00\x3F", 4);
    const auto path = rawFile(dir_, "raw.safetensors",
                              R"({"x":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},)"
                              R"("y":{"dtype":"BF16","shape":[],"data_offsets":[2,4]},)"
                              R"("z":{"dtype":"F32","shape":[1,1],"data_offsets":[4,8]},"__metadata__":{"k":"v"}})",
                              data);
    const SafetensorsFile f(path);
    QCOMPARE(f.tensor("x").item<float>(), 1.0f);
    QCOMPARE(f.tensor("y").item<float>(), -2.0f);
    QCOMPARE(f.tensor("z").item<float>(), 0.5f);
    QCOMPARE(f.tensor("z").sizes().vec(), (std::vector<int64_t>{1, 1}));
  }
  void malformedFilesAreNamed_data() {
    QTest::addColumn<QString>("header");
    QTest::addColumn<int>("dataBytes");
    QTest::addColumn<QString>("expected");
    QTest::newRow("past the end") << R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})" << 8 << "field 'w'";
    QTest::newRow("size vs shape") << R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})" << 8 << "need 12";
    QTest::newRow("unknown dtype") << R"({"w":{"dtype":"F12","shape":[1],"data_offsets":[0,2]}})" << 8 << "F12";
    QTest::newRow("overlap") << R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})"
                             << 8 << "overlaps";
    QTest::newRow("not an object") << R"([1, 2])" << 0 << "JSON object";
    QTest::newRow("overflowing shape") << R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,0]}})" << 8
                                       << "more bytes";
    QTest::newRow("no offsets") << R"({"w":{"dtype":"F32","shape":[1]}})" << 4 << "data_offsets";
  }
  void malformedFilesAreNamed() {
    QFETCH(QString, header);
    QFETCH(int, dataBytes);
    QFETCH(QString, expected);
    const auto path = rawFile(dir_, "bad.safetensors", header.toStdString(), std::string(size_t(dataBytes), '\0'));
    const QString message = errorOf([&] { SafetensorsFile f(path); });
    QVERIFY2(message.contains("bad.safetensors") && message.contains(expected), qPrintable(message));
  }
  void truncatedAndMissing() {
    const std::string path = (dir_.path() + "/short.safetensors").toStdString();
    std::ofstream(path, std::ios::binary) << "abc";
    QVERIFY(errorOf([&] { SafetensorsFile f(path); }).contains("8-byte"));
    // A header length larger than the file.
    const auto huge = rawFile(dir_, "huge.safetensors", "{}", "");
    {
      std::fstream patch(huge, std::ios::in | std::ios::out | std::ios::binary);
      patch.seekp(0);
      patch.put(char(0xFF));
    }
    QVERIFY(errorOf([&] { SafetensorsFile f(huge); }).contains("exceeds"));
    QVERIFY(errorOf([&] { SafetensorsFile f((dir_.path() + "/none.safetensors").toStdString()); }).contains("none.safetensors"));
    const auto ok = rawFile(dir_, "ok.safetensors", R"({"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", std::string(8, '\0'));
    const SafetensorsFile f(ok);
    QVERIFY(errorOf([&] { f.tensor("missing"); }).contains("field 'missing'"));
    QVERIFY(errorOf([&] { f.tensor("w"); }).contains("I64"));  // listed, not read as a weight
  }
  void configsOfEachFamily() {
    // The published configs of bert-base-uncased, distilbert-base-uncased, roberta-base and gpt2 (abridged).
    const auto bert = HfConfig::fromJson(R"({"model_type":"bert","hidden_size":768,"num_hidden_layers":12,
        "num_attention_heads":12,"intermediate_size":3072,"hidden_act":"gelu","layer_norm_eps":1e-12,
        "max_position_embeddings":512,"vocab_size":30522,"type_vocab_size":2,"pad_token_id":0})", "bert.json");
    QCOMPARE(bert.layers, 12L);
    QCOMPARE(bert.typeVocabSize, 2L);
    QVERIFY(!bert.causal() && !bert.tiedEmbeddings);
    const auto distil = HfConfig::fromJson(R"({"model_type":"distilbert","dim":768,"n_layers":6,"n_heads":12,
        "hidden_dim":3072,"activation":"gelu","max_position_embeddings":512,"vocab_size":30522})", "distil.json");
    QCOMPARE(distil.hiddenSize, 768L);
    QCOMPARE(distil.intermediateSize, 3072L);
    QCOMPARE(distil.layerNormEps, 1e-12);
    const auto roberta = HfConfig::fromJson(R"({"model_type":"roberta","hidden_size":768,"num_hidden_layers":12,
        "num_attention_heads":12,"intermediate_size":3072,"hidden_act":"gelu","layer_norm_eps":1e-05,
        "max_position_embeddings":514,"vocab_size":50265,"type_vocab_size":1,"pad_token_id":1})", "roberta.json");
    QCOMPARE(roberta.positionOffset(), 2L);
    const auto gpt2 = HfConfig::fromJson(R"({"model_type":"gpt2","n_embd":768,"n_layer":12,"n_head":12,"n_inner":null,
        "activation_function":"gelu_new","layer_norm_epsilon":1e-05,"n_positions":1024,"vocab_size":50257})", "gpt2.json");
    QCOMPARE(gpt2.intermediateSize, 3072L);
    QVERIFY(gpt2.causal() && gpt2.tiedEmbeddings);
    QCOMPARE(gpt2.activation, std::string("gelu_new"));
    QVERIFY(errorOf([] { HfConfig::fromJson(R"({"model_type":"t5"})", "t5.json"); }).contains("model_type"));
    QVERIFY(errorOf([] { HfConfig::fromJson(R"({"model_type":"bert","hidden_size":768})", "b.json"); }).contains("num_hidden_layers"));
    QVERIFY(errorOf([] {
              HfConfig::fromJson(R"({"model_type":"gpt2","n_embd":10,"n_layer":1,"n_head":3,"n_positions":8,"vocab_size":5})", "g.json");
            }).contains("heads"));
    // A field of the wrong JSON type is named, never read as its default (fuzz_checkpoints found
    // a numeric model_type escaping as a JSON library error).
    QVERIFY(errorOf([] { HfConfig::fromJson(R"({"model_type":2})", "n.json"); }).contains("model_type"));
    const char* gpt2Base = R"({"model_type":"gpt2","n_embd":8,"n_layer":1,"n_head":2,"n_positions":8,"vocab_size":5,)";
    QVERIFY(errorOf([&] { HfConfig::fromJson(std::string(gpt2Base) + R"("activation_function":5})", "a.json"); }).contains("activation_function"));
    QVERIFY(errorOf([&] { HfConfig::fromJson(std::string(gpt2Base) + R"("tie_word_embeddings":"no"})", "t.json"); }).contains("tie_word_embeddings"));
    QVERIFY(isHfBuffer("gpt2", "h.0.attn.bias") && !isHfBuffer("gpt2", "h.0.attn.c_attn.bias"));
    QVERIFY(isHfBuffer("bert", "bert.embeddings.position_ids") && !isHfBuffer("bert", "bert.embeddings.word_embeddings.weight"));
    // Bare and prefixed hub names both load; pre-training heads and buffers are listed as unused.
    const auto m = matchHfWeights("bert", {"embeddings.word_embeddings.weight", "encoder.layer.0.output.dense.bias", "classifier.weight"},
                                  {"bert.embeddings.word_embeddings.weight", "encoder.layer.0.output.dense.bias",
                                   "cls.predictions.bias", "bert.embeddings.position_ids"});
    QCOMPARE(m.source.at("embeddings.word_embeddings.weight"), std::string("bert.embeddings.word_embeddings.weight"));
    QCOMPARE(m.source.at("encoder.layer.0.output.dense.bias"), std::string("encoder.layer.0.output.dense.bias"));
    QCOMPARE(m.missing, std::vector<std::string>{"classifier.weight"});
    QCOMPARE(m.unused, (std::vector<std::string>{"cls.predictions.bias", "bert.embeddings.position_ids"}));
    QCOMPARE(matchHfWeights("gpt2", {"wte.weight"}, {"transformer.wte.weight", "lm_head.weight"}).unused,
             std::vector<std::string>{"lm_head.weight"});
    QTemporaryDir folder;
    std::ofstream((folder.path() + "/config.json").toStdString()) << R"({"model_type":"gpt2","n_embd":8,"n_layer":1,"n_head":2,"n_positions":8,"vocab_size":5})";
    QVERIFY(errorOf([&] { openHfModelFolder(folder.path().toStdString()); }).contains("model.safetensors"));
  }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
