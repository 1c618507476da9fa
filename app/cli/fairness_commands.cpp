// trustlab-cli fairness: bias audits of a stored run — group and counterfactual metrics of the
// classifier, WEAT/SEAT on its embeddings, EEC probes of a sentiment classifier; results are also
// recorded on the run (fairness/…).
#include <cmath>
#include <cstdio>
#include <optional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "args.h"
#include "cli_commands.h"
#include "data/dataset_registry.h"
#include "experiment/distillation_run.h"
#include "audits/ceat_audit.h"
#include "audits/ceat_report.h"
#include "audits/eec_audit.h"
#include "audits/fairness_audit.h"
#include "audits/weat_audit.h"
#include "util/errors.h"
#include "util/text.h"
#include "util/runtime.h"

namespace trustlab::cli {
namespace {

std::vector<std::string> commaList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

/// One stderr line per language-model epoch, unless quiet.
LmProgress epochReporter(bool quiet) {
  return [quiet](const std::string& phase, int epoch, int epochs, double loss) {
    if (!quiet) std::fprintf(stderr, "%s: epoch %d/%d, loss %.4f\n", phase.c_str(), epoch, epochs, loss);
  };
}

nlohmann::json boldJson(const BoldResult& b) {
  if (b.groups.empty()) return nullptr;
  const auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& g : b.groups)
    groups[g.group] = {{"prompts", g.prompts}, {"sentiment", num(g.sentiment)}, {"polarity", g.polarity}};
  return {{"groups", groups}, {"sentiment_gap", num(b.sentimentGap)}, {"polarity_gap", b.polarityGap}};
}

nlohmann::json outcomeJson(const DistillationOutcome& r) {
  return {{"run_id", r.runId},
          {"method", r.method},
          {"gender_disparity", r.disparity},
          {"perplexity", r.perplexity},
          {"teacher_gender_disparity", r.teacherDisparity},
          {"teacher_perplexity", r.teacherPerplexity},
          {"seconds", r.seconds},
          {"bold", boldJson(r.bold)},
          {"model_folder", r.folder},
          {"downstream_run", r.downstreamRunId ? nlohmann::json(r.downstreamRunId) : nlohmann::json()},
          {"downstream", r.downstream}};
}

/// The corpus and teacher language model that `distill` and `ceat` both train, from their flags.
DistillationRunOptions teacherOptions(const Args& a) {
  DistillationRunOptions o;
  o.corpus = a.get("corpus", "default");
  o.teacher.epochs = int(a.getLong("teacher-epochs", o.teacher.epochs));
  o.teacher.seed = uint64_t(a.getLong("seed", 1));
  o.sentences = size_t(a.getLong("sentences", long(o.sentences)));
  o.association = a.getDouble("association", o.association);
  o.corpusLines = size_t(a.getLong("corpus-lines", 0));
  o.maxVocabulary = size_t(a.getLong("max-vocab", long(o.maxVocabulary)));
  o.device = a.get("device", o.device);
  if (a.getLong("corpus-lines", 0) < 0) throw InputError("--corpus-lines", "must be ≥ 0 (0: every line)");
  if (o.maxVocabulary < 3) throw InputError("--max-vocab", "must be ≥ 3");
  if (o.teacher.epochs < 0) throw InputError("--teacher-epochs", "must be ≥ 0");
  if (o.sentences < 10) throw InputError("--sentences", "must be ≥ 10");
  if (!(o.association >= 0 && o.association <= 1)) throw InputError("--association", "must be in [0, 1]");
  return o;
}

/// `fairness distill`: teacher and students on a corpus; one stored run per student.
int distillCommand(const std::vector<std::string>& argv) {
  const Args a(argv,
               {"corpus", "method", "mix", "temperature", "kd-weight", "epochs", "teacher-epochs", "sentences",
                "association", "seed", "store", "device", "lr", "batch-size", "bold-prompts", "bold-per-group",
                "sentiment-run", "positive", "teacher", "student-layers", "corpus-lines", "max-vocab", "downstream",
                "downstream-epochs", "downstream-steps", "downstream-positive"},
               {"json", "quiet", "bold"});
  DistillationRunOptions o = teacherOptions(a);
  o.teacherModel = a.get("teacher", "");
  if (!o.teacherModel.empty() && !a.has("teacher-epochs")) o.teacher.epochs = 0;  // a pretrained teacher as read
  o.studentLayers = a.getLong("student-layers", o.studentLayers);
  if (o.teacherModel.empty() && o.teacher.epochs < 1) throw InputError("--teacher-epochs", "must be ≥ 1 for a teacher trained here");
  if (o.studentLayers < 0) throw InputError("--student-layers", "must be ≥ 1 (0: half the teacher's)");
  const auto method = a.get("method", "kd");
  o.methods = method == "all" ? distillationMethods() : commaList(method);
  o.distillation.mix = a.get("mix", o.distillation.mix);
  o.distillation.temperature = a.getDouble("temperature", o.distillation.temperature);
  o.distillation.kdWeight = a.getDouble("kd-weight", o.distillation.kdWeight);
  o.distillation.training.epochs = int(a.getLong("epochs", o.distillation.training.epochs));
  o.distillation.training.lr = o.teacher.lr = a.getDouble("lr", o.teacher.lr);
  o.distillation.training.batchSize = o.teacher.batchSize = a.getLong("batch-size", o.teacher.batchSize);
  o.distillation.training.seed = o.teacher.seed;
  if (a.has("bold") || a.has("bold-prompts")) {
    o.boldPrompts = a.get("bold-prompts", "");
    if (o.boldPrompts.empty()) {
      if (dataRoot().empty()) throw InputError("--bold", "no data root: give --bold-prompts FILE");
      o.boldPrompts = dataRoot() + "/bold/prompts/gender_prompt.json";
    }
    o.boldPerGroup = int(a.getLong("bold-per-group", o.boldPerGroup));
    o.sentimentRun = a.getLong("sentiment-run", 0);
    o.sentimentPositive = a.get("positive", "");
  }
  if (a.has("downstream")) {
    // A spec file (.json) is the whole downstream task; anything else names its dataset.
    const auto task = a.get("downstream");
    o.downstream = endsWith(task, ".json") ? ExperimentSpec::fromFile(task)
                       : downstreamTask(task, int(a.getLong("downstream-epochs", 1)));
    o.downstream->training.maxSteps = a.getLong("downstream-steps", o.downstream->training.maxSteps);
    o.downstream->training.seed = o.teacher.seed;
    o.downstreamPositive = a.get("downstream-positive", "");
  }
  if (o.distillation.training.epochs < 1) throw InputError("--epochs", "must be ≥ 1");
  if (!(o.teacher.lr > 0)) throw InputError("--lr", "must be > 0");
  RunStore store(storePath(a));
  const auto results =
      namingOptions({{"methods", "method"}, {"sentiment_run", "sentiment-run"}, {"positive_label", "positive"},
                                   {"student_layers", "student-layers"}, {"teacher", "teacher"}, {"tokenizer", "teacher"}},
                    [&] { return runDistillation(o, &store, epochReporter(a.has("quiet") || a.has("json"))); });
  if (a.has("json")) {
    if (results.size() == 1) {
      std::cout << outcomeJson(results.front()).dump() << std::endl;
    } else {
      nlohmann::json students = nlohmann::json::array();
      for (const auto& r : results) students.push_back(outcomeJson(r));
      std::cout << nlohmann::json{{"students", students}}.dump() << std::endl;
    }
    return 0;
  }
  std::printf("teacher: gender disparity %.3f, perplexity %.2f\n", results.front().teacherDisparity,
              results.front().teacherPerplexity);
  for (const auto& r : results) {
    std::printf("run %lld %-8s gender disparity %.3f (%.0f %% of the teacher's), perplexity %.2f (%+.1f %%), %.1f s\n",
                r.runId, r.method.c_str(), r.disparity, 100 * r.disparity / std::max(1e-12, r.teacherDisparity),
                r.perplexity, 100 * (r.perplexity / r.teacherPerplexity - 1), r.seconds);
    for (const auto& g : r.bold.groups)
      std::printf("    BOLD %-20s %ld prompts: sentiment %.3f, gender polarity of continuations %+.3f\n", g.group.c_str(),
                  g.prompts, g.sentiment, g.polarity);
    if (!r.bold.groups.empty())
      std::printf("    BOLD gaps: sentiment %.3f, polarity %.3f\n", r.bold.sentimentGap, r.bold.polarityGap);
    if (!r.downstream.empty()) {
      const auto d = [&](const std::string& key) { return r.downstream.count(key) ? r.downstream.at(key) : std::nan(""); };
      const auto fairness = [&](const char* metric) { return d(auditMetricKey(kFairnessAudit, "", metric)); };
      std::printf("    downstream run %lld: accuracy %.3f, flip rate %.3f, token-fairness gap %.3f, EO difference %.3f\n",
                  r.downstreamRunId, d("test/accuracy"), fairness("flip_rate"), fairness("ctf_gap"), fairness("eo_difference"));
    }
    if (!r.folder.empty()) std::printf("    model folder %s\n", r.folder.c_str());
  }
  return 0;
}

/// `fairness ceat --run ID`: CEAT on a stored run's contextual token states, its flags the
/// audit's settings.
int storedRunCeat(const Args& a) {
  AuditRequest request;
  request.argument = a.get("test", "");
  if (request.argument == "default") request.argument = kBuiltInOccupationTest;
  for (const auto& [flag, setting] : std::map<std::string, std::string>{
           {"corpus", "corpus"}, {"sentences", "sentences"}, {"samples", "samples"}, {"per-word", "per_word"}, {"seed", "seed"}})
    if (a.has(flag)) request.settings[setting] = a.get(flag);
  return runAuditCommand(a, kCeatAudit, [&](const AuditedRun&) { return request; },
                         {{"argument", "test"}, {"corpus", "corpus"}, {"sentences", "sentences"}, {"samples", "samples"},
                          {"per_word", "per-word"}, {"seed", "seed"}});
}

/// `fairness ceat`: CEAT on a stored run (--run ID), or on the contextual embeddings of a language
/// model trained on a corpus, or of a pretrained Hugging Face model (--model DIR).
int ceatCommand(const std::vector<std::string>& argv) {
  const Args a(argv,
               {"corpus", "test", "samples", "per-word", "teacher-epochs", "seed", "device", "sentences", "association",
                "model", "run", "store", "threads"},
               {"json", "quiet"});
  if (a.has("run")) return storedRunCeat(a);
  const DistillationRunOptions o = teacherOptions(a);
  if (!a.has("model") && o.teacher.epochs < 1) throw InputError("--teacher-epochs", "must be ≥ 1 for a teacher trained here");
  const long samples = a.getLong("samples", 1000), perWord = a.getLong("per-word", 200);
  if (samples < 2) throw InputError("--samples", "must be ≥ 2");
  if (perWord < 1) throw InputError("--per-word", "must be ≥ 1");
  std::optional<WeatTest> test;
  if (a.has("test") && a.get("test") != "default") test = loadWeatTest(a.get("test"));
  // --model DIR: a pretrained model's contextual embeddings instead of a teacher trained here.
  const auto r = a.has("model") ? runCeatOnPretrained(o, a.get("model"), test ? &*test : nullptr, samples, perWord)
                                : runCeat(o, test ? &*test : nullptr, samples, perWord, epochReporter(a.has("quiet") || a.has("json")));
  std::cout << (a.has("json") ? ceatJson(r.test, r.result) : describeCeat(r.test, r.result)) << std::endl;
  return 0;
}

}  // namespace

int fairnessCommand(const std::vector<std::string>& argv) {
  if (argv.empty()) throw InputError("fairness", "expects a subcommand: classifier, weat, eec, distill, ceat");
  const std::string sub = argv[0];
  if (sub == "distill") return distillCommand(std::vector<std::string>(argv.begin() + 1, argv.end()));
  if (sub == "ceat") return ceatCommand(std::vector<std::string>(argv.begin() + 1, argv.end()));
  const Args a(std::vector<std::string>(argv.begin() + 1, argv.end()),
               {"run", "store", "positive", "bootstrap", "seed", "word-lists", "census-names", "names", "test",
                "samples", "threads", "pairs", "file"},
               {"json"});
  const std::map<std::string, std::string> optionFor = {{"positive_label", "positive"}, {"argument", "file"}};
  AuditRequest request;
  request.positiveLabel = a.get("positive", "");
  if (sub == "classifier") {
    FairnessAuditOptions o;
    o.bootstrap = int(a.getLong("bootstrap", o.bootstrap));
    if (o.bootstrap < 0 || o.bootstrap > 100000) throw InputError("--bootstrap", "must be in 0..100000");
    o.seed = uint64_t(a.getLong("seed", long(o.seed)));
    o.keptExamples = size_t(std::max(0L, a.getLong("pairs", long(o.keptExamples))));
    for (const auto& f : commaList(a.get("word-lists", ""))) o.swapper.loadPairs(f);
    if (a.has("census-names")) {
      const auto dir = a.get("census-names");
      o.swapper.loadCensusNames(dir + "/dist.male.first", dir + "/dist.female.first", size_t(a.getLong("names", 1000)));
    }
    request.options = o;
    return runAuditCommand(a, kFairnessAudit, [&](const AuditedRun&) { return request; }, optionFor);
  }
  if (sub == "weat") {
    if (!a.has("test")) throw InputError("--test", "is required (a sent-bias test file, e.g. weat6.jsonl)");
    WeatAuditOptions o;
    o.samples = a.getLong("samples", o.samples);
    if (o.samples < 2) throw InputError("--samples", "must be ≥ 2");
    o.seed = uint64_t(a.getLong("seed", long(o.seed)));
    request.argument = a.get("test");
    request.options = o;
    return runAuditCommand(a, kWeatAudit, [&](const AuditedRun&) { return request; },
                           {{"argument", "test"}});
  }
  if (sub == "eec") {
    request.argument = a.get("file", "");
    return runAuditCommand(a, kEecAudit, [&](const AuditedRun&) { return request; }, optionFor);
  }
  throw InputError("fairness", "unknown subcommand '" + sub + "' (classifier, weat, eec, distill, ceat)");
}

}  // namespace trustlab::cli
