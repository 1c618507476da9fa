// Tests core/interop: CRC-32C against its known answer; an MLflow file store with the layout and
// contents MLflow's FileStore reads (meta.yaml fields, params, "<ms> <value> <step>" metric
// lines, mlflow.* tags); TensorBoard event files whose TFRecord CRCs check and whose Event
// protocol buffers, decoded here field by field, carry every stored metric point and the HParams
// sessions and experiment (plugin_data.proto, api.proto field numbers); a Markdown
// report of two runs with the settings that differ, the final metrics and its figures.
#include <QtTest>

#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "interop/export_files.h"
#include "interop/mlflow_export.h"
#include "interop/run_report.h"
#include "interop/tensorboard_export.h"
#include "store/run_store.h"
#include "util/crc32c.h"
#include "util/errors.h"

using namespace trustlab;

namespace {

std::string slurp(const QString& path) {
  std::ifstream in(path.toStdString(), std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Field {
  int number = 0, wire = 0;
  uint64_t value = 0;  ///< varint or fixed
  std::string bytes;   ///< length-delimited
};

uint64_t readVarint(const std::string& s, size_t& i) {
  uint64_t v = 0;
  for (int shift = 0; i < s.size(); shift += 7) {
    const auto b = uint8_t(s[i++]);
    v |= uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  return v;
}

/// The fields of one protocol-buffer message (not nested: callers decode bytes again).
std::vector<Field> decode(const std::string& msg) {
  std::vector<Field> out;
  for (size_t i = 0; i < msg.size();) {
    const uint64_t key = readVarint(msg, i);
    Field f{int(key >> 3), int(key & 7)};
    if (f.wire == 0) f.value = readVarint(msg, i);
    if (f.wire == 1 || f.wire == 5) {
      const size_t n = f.wire == 1 ? 8 : 4;
      std::memcpy(&f.value, msg.data() + i, n);
      i += n;
    }
    if (f.wire == 2) {
      const size_t n = readVarint(msg, i);
      f.bytes = msg.substr(i, n);
      i += n;
    }
    out.push_back(f);
  }
  return out;
}

const Field* find(const std::vector<Field>& fields, int number) {
  for (const auto& f : fields)
    if (f.number == number) return &f;
  return nullptr;
}

/// The records of a TFRecord stream (length, its masked CRC, record, its masked CRC); `framed`
/// says whether every length and CRC checked.
std::vector<std::string> tfRecords(const std::string& data, bool& framed) {
  std::vector<std::string> out;
  framed = true;
  for (size_t i = 0; i < data.size();) {
    uint64_t length = 0;
    uint32_t lengthCrc = 0, dataCrc = 0;
    if (i + 12 > data.size()) return framed = false, out;
    std::memcpy(&length, data.data() + i, 8);
    std::memcpy(&lengthCrc, data.data() + i + 8, 4);
    if (i + 16 + length > data.size() || lengthCrc != maskedCrc32c(data.data() + i, 8)) return framed = false, out;
    out.push_back(data.substr(i + 12, length));
    std::memcpy(&dataCrc, data.data() + i + 12 + length, 4);
    framed = framed && dataCrc == maskedCrc32c(out.back().data(), out.back().size());
    i += 12 + length + 4;
  }
  return out;
}

/// A fixed 64-bit field as the double it holds.
double asDouble(const Field& f) {
  double d = 0;
  std::memcpy(&d, &f.value, 8);
  return d;
}

/// The HParamsPluginData of a summary value: metadata (9) → plugin_data (1) named "hparams" →
/// content (2), whose version (1) must be 0.
std::vector<Field> hparamsData(const std::vector<Field>& value) {
  const auto plugin = decode(find(decode(find(value, 9)->bytes), 1)->bytes);
  if (find(plugin, 1)->bytes != "hparams") return {};
  auto content = decode(find(plugin, 2)->bytes);
  return find(content, 1) && find(content, 1)->value == 0 ? content : std::vector<Field>{};
}

}  // namespace

class TestInterop : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<RunStore> store_;
  long long run_ = 0;

 private Q_SLOTS:
  void initTestCase() {
    store_ = std::make_unique<RunStore>((dir_.path() + "/runs.sqlite").toStdString());
    run_ = store_->createRun("privacy study", "bag edp ε=3", "{\"model\":{\"type\":\"bag\"}}", "abc123", 7, ReproInfo{});
    store_->logParams(run_, {{"lr", "0.01"}, {"privacy.mode", "edp"}});
    store_->setTag(run_, "note", "first try");
    store_->setTag(run_, "baseline", "");
    std::vector<RunStore::Metric> points;
    for (long step = 1; step <= 20; ++step) {
      points.push_back({"train/loss", step, 2.0 / double(step), 1700000000.0 + double(step)});
      if (step % 5 == 0) points.push_back({"valid/accuracy", step, 0.5 + 0.02 * double(step), 1700000000.5 + double(step)});
    }
    store_->logMetrics(run_, points);
    store_->finishRun(run_, "finished");
  }
  void crc32cKnownAnswer() {
    // RFC 3720 B.4 / the CRC catalogue's check value for CRC-32C.
    QCOMPARE(crc32c("123456789", 9), 0xE3069283u);
    QCOMPARE(crc32c("", 0), 0u);
    const uint32_t c = crc32c("123456789", 9);
    QCOMPARE(maskedCrc32c("123456789", 9), ((c >> 15) | (c << 17)) + 0xa282ead8u);
  }
  void mlflowFileStore() {
    const QString root = dir_.path() + "/mlruns";
    const auto written = exportToMlflow(*store_, {}, root.toStdString());
    QCOMPARE(written.runs.size(), size_t(1));
    QCOMPARE(written.metricPoints, 24L);
    const QString run = QString::fromStdString(written.runs.front());
    QVERIFY(run.startsWith(root + "/1/"));
    const std::string experiment = slurp(root + "/1/meta.yaml");
    QVERIFY(experiment.find("experiment_id: '1'\n") != std::string::npos);
    QVERIFY(experiment.find("name: 'privacy study'\n") != std::string::npos);
    QVERIFY(experiment.find("lifecycle_stage: active\n") != std::string::npos);
    const std::string meta = slurp(run + "/meta.yaml");
    const QString runId = QFileInfo(run).fileName();
    QCOMPARE(runId.size(), 32);  // a UUID's hex digits, as MLflow names runs
    for (const std::string line : {"status: 3\n", "run_name: 'bag edp ε=3'\n", "experiment_id: '1'\n", "source_type: 4\n"})
      QVERIFY2(meta.find(line) != std::string::npos, line.c_str());
    QVERIFY(meta.find("run_id: " + runId.toStdString() + "\n") != std::string::npos);
    QCOMPARE(slurp(run + "/params/lr"), std::string("0.01"));
    QCOMPARE(slurp(run + "/params/privacy.mode"), std::string("edp"));
    QCOMPARE(slurp(run + "/tags/mlflow.runName"), std::string("bag edp ε=3"));
    QCOMPARE(slurp(run + "/tags/mlflow.note.content"), std::string("first try"));
    QVERIFY(QFileInfo::exists(run + "/tags/baseline"));
    // One "<timestamp ms> <value> <step>" line per stored point; '/' in a key is a folder.
    std::istringstream lines(slurp(run + "/metrics/valid/accuracy"));
    long long ms = 0;
    double value = 0;
    long step = 0, count = 0;
    while (lines >> ms >> value >> step) {
      ++count;
      QCOMPARE(step % 5, 0L);
      QVERIFY(std::abs(value - (0.5 + 0.02 * double(step))) < 1e-12);
      QCOMPARE(ms, 1700000000500LL + 1000LL * step);
    }
    QCOMPARE(count, 4L);
    QVERIFY(slurp(run + "/artifacts/spec.json").find("\"bag\"") != std::string::npos);
  }
  void tensorboardEventFile() {
    const QString root = dir_.path() + "/tb";
    const auto written = exportToTensorBoard(*store_, {run_}, root.toStdString());
    QCOMPARE(written.runs.size(), size_t(1));
    const auto files = QDir(QString::fromStdString(written.runs.front())).entryList({"events.out.tfevents.*"});
    QCOMPARE(files.size(), 1);
    bool framed = false;
    const auto records = tfRecords(slurp(QString::fromStdString(written.runs.front()) + "/" + files.front()), framed);
    QVERIFY(framed);
    std::map<std::string, std::vector<std::pair<long, float>>> scalars;
    std::string version, params;
    std::vector<Field> start, end;
    for (const auto& record : records) {
      const auto event = decode(record);
      QVERIFY(find(event, 1) && find(event, 1)->wire == 1);  // wall_time, a double
      const long step = find(event, 2) ? long(find(event, 2)->value) : 0;
      if (const auto* v = find(event, 3)) version = v->bytes;
      const auto* summary = find(event, 5);
      if (!summary) continue;
      const auto value = decode(decode(summary->bytes).at(0).bytes);
      const std::string tag = find(value, 1)->bytes;
      if (const auto* simple = find(value, 2)) {
        float f = 0;
        std::memcpy(&f, &simple->value, 4);
        scalars[tag].push_back({step, f});
      } else if (const auto* tensor = find(value, 8)) {
        params = find(decode(tensor->bytes), 8)->bytes;
        const auto plugin = decode(find(decode(find(value, 9)->bytes), 1)->bytes);
        QCOMPARE(find(plugin, 1)->bytes, std::string("text"));
      } else {
        const auto data = hparamsData(value);
        if (tag == "_hparams_/session_start_info") start = decode(find(data, 3)->bytes);
        if (tag == "_hparams_/session_end_info") end = decode(find(data, 4)->bytes);
      }
    }
    QCOMPARE(version, std::string("brain.Event:2"));
    QVERIFY(params.find("| lr | 0.01 |") != std::string::npos);
    QCOMPARE(scalars["train/loss"].size(), size_t(20));
    QCOMPARE(scalars["valid/accuracy"].size(), size_t(4));
    for (const auto& [step, value] : scalars["train/loss"]) QCOMPARE(value, float(2.0 / double(step)));
    // HParams: the session's params as google.protobuf.Values (a number as number_value, text as
    // string_value), its replicate group and start time; its end says "success" (1).
    std::map<std::string, std::vector<Field>> hparams;
    for (const auto& f : start)
      if (f.number == 1) hparams[find(decode(f.bytes), 1)->bytes] = decode(find(decode(f.bytes), 2)->bytes);
    QCOMPARE(hparams.size(), size_t(2));
    QCOMPARE(asDouble(*find(hparams["lr"], 2)), 0.01);
    QCOMPARE(find(hparams["privacy.mode"], 3)->bytes, std::string("edp"));
    QVERIFY(!find(start, 4)->bytes.empty());
    QCOMPARE(asDouble(*find(start, 5)), store_->run(run_)->startTime);
    QCOMPARE(find(end, 1)->value, uint64_t(1));
    QCOMPARE(asDouble(*find(end, 2)), store_->run(run_)->endTime);
    // The experiment, in the folder's own run: each param with its type and the values taken,
    // each metric by tag.
    const auto rootFiles = QDir(root).entryList({"events.out.tfevents.*"}, QDir::Files);
    QCOMPARE(rootFiles.size(), 1);
    const auto rootRecords = tfRecords(slurp(root + "/" + rootFiles.front()), framed);
    QVERIFY(framed && rootRecords.size() == 2);
    const auto value = decode(decode(find(decode(rootRecords[1]), 5)->bytes).at(0).bytes);
    QCOMPARE(find(value, 1)->bytes, std::string("_hparams_/experiment"));
    std::map<std::string, std::vector<Field>> infos;
    std::set<std::string> metricTags;
    for (const auto& f : decode(find(hparamsData(value), 2)->bytes)) {
      if (f.number == 4) infos[find(decode(f.bytes), 1)->bytes] = decode(f.bytes);
      if (f.number == 5) metricTags.insert(find(decode(find(decode(f.bytes), 1)->bytes), 2)->bytes);
    }
    QCOMPARE(find(infos["lr"], 4)->value, uint64_t(3));  // DATA_TYPE_FLOAT64, interval [0.01, 0.01]
    QCOMPARE(asDouble(*find(decode(find(infos["lr"], 6)->bytes), 1)), 0.01);
    QCOMPARE(find(infos["privacy.mode"], 4)->value, uint64_t(1));  // DATA_TYPE_STRING, values {"edp"}
    QCOMPARE(find(decode(find(decode(find(infos["privacy.mode"], 5)->bytes), 1)->bytes), 3)->bytes, std::string("edp"));
    QCOMPARE(metricTags, (std::set<std::string>{"train/loss", "valid/accuracy"}));
  }
  void reportOfTwoRuns() {
    const long long other = store_->createRun("privacy study", "bag", "{\"model\":{\"type\":\"bilstm\"}}", "def", 8, ReproInfo{});
    store_->logMetrics(other, {{"train/loss", 1, 1.5, 1700000100.0}, {"train/loss", 2, 1.2, 1700000101.0}});
    store_->finishRun(other, "finished");
    const QString dir = dir_.path() + "/report";
    const auto report = writeRunReport(*store_, {run_, other}, dir.toStdString());
    const std::string md = slurp(QString::fromStdString(report.markdown));
    QVERIFY(md.find("| run | name |") != std::string::npos);
    QVERIFY2(md.find("| model.type | bag | bilstm |") != std::string::npos, md.c_str());  // the setting that differs
    QVERIFY(md.find("| train/loss | 0.1 | 1.2 |") != std::string::npos);                   // final values side by side
    QVERIFY(md.find("### train/loss") != std::string::npos && md.find("### valid/accuracy") != std::string::npos);
    QVERIFY(slurp(dir + "/figure-train-loss.tex").find("\\begin{axis}") != std::string::npos);
    QVERIFY(slurp(dir + "/figure-train-loss.csv").find("#1 bag edp ε=3") != std::string::npos);
    // A writer that renders pictures (the GUI's): the report shows them.
    const auto withPictures = writeRunReport(*store_, {other}, (dir + "2").toStdString(), {"train/loss"},
                                             [](const PlotDescription&, const std::string& base) {
                                               writeExportFile(base + ".png", "png");
                                               return std::vector<std::string>{base + ".png"};
                                             });
    QVERIFY(slurp(QString::fromStdString(withPictures.markdown)).find("![train/loss](figure-train-loss.png)") != std::string::npos);
    QCOMPARE(withPictures.files.size(), size_t(2));
  }
  void badTargetsNameTheFile() {
    QFile blocker(dir_.path() + "/blocker");
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    try {
      exportToMlflow(*store_, {}, (dir_.path() + "/blocker/mlruns").toStdString());
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("blocker"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(InputError, exportToTensorBoard(*store_, {999}, (dir_.path() + "/tb2").toStdString()));
    QVERIFY_THROWS_EXCEPTION(InputError, keyPath("../escape"));
    QVERIFY_THROWS_EXCEPTION(InputError, keyPath("a//b"));
    QCOMPARE(QString::fromStdString(keyPath("audit/mia_loss/auc").string()), QString("audit/mia_loss/auc"));
  }
};

QTEST_GUILESS_MAIN(TestInterop)
#include "tst_interop.moc"
