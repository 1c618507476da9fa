#include "experiment/distillation_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <nlohmann/json.hpp>

#include "data/dataset_registry.h"
#include "data/gendered_corpus.h"
#include "audits/audit.h"
#include "audits/audited_run.h"
#include "audits/fairness_audit.h"
#include "experiment/runner.h"
#include "models/hf_transformer.h"
#include "training/metrics.h"
#include "tokenizers/token_spans.h"
#include "util/errors.h"
#include "util/runtime.h"
#include "util/sha256.h"
#include "util/text.h"

namespace trustlab {
namespace {

std::vector<std::string> corpusSentences(const DistillationRunOptions& o) {
  return trustlab::corpusSentences(o.corpus, {o.sentences, o.association, o.teacher.seed}, o.corpusLines);
}

}  // namespace

ExperimentSpec downstreamTask(const std::string& dataset, int epochs) {
  ExperimentSpec s;
  s.data.dataset = dataset;
  s.data.tokenizer.maxLength = 40;
  s.training.optimizer = "adamw";
  s.training.lr = 1e-3;
  s.training.batchSize = 64;
  s.training.epochs = epochs;
  s.training.evalEvery = 0;
  s.audit.mia = "none";
  return s;
}

std::string distillationSpecJson(const DistillationRunOptions& o, const std::string& method) {
  const auto& d = o.distillation;
  return nlohmann::json{{"corpus", o.corpus},
                        {"method", method},
                        {"mix", d.mix},
                        {"temperature", d.temperature},
                        {"kd_weight", d.kdWeight},
                        {"student_epochs", d.training.epochs},
                        {"teacher_epochs", o.teacher.epochs},
                        {"lr", d.training.lr},
                        {"batch_size", d.training.batchSize},
                        {"teacher", {{"model", o.teacherModel}, {"dim", o.teacherDim}, {"layers", o.teacherLayers}}},
                        {"student", {{"dim", o.studentDim}, {"layers", o.studentLayers}}},
                        {"sentences", o.sentences},
                        {"association", o.association},
                        {"seed", o.teacher.seed},
                        {"corpus_lines", o.corpusLines},
                        {"max_vocabulary", o.maxVocabulary},
                        {"downstream", o.downstream ? nlohmann::json::parse(o.downstream->toJson()) : nlohmann::json()},
                        {"downstream_positive", o.downstreamPositive}}
      .dump(2);
}

namespace {

/// Up to `perGroup` prompts of each group of a BOLD prompts file, picked with a seeded shuffle.
std::vector<std::pair<std::string, std::vector<std::string>>> boldPrompts(const std::string& path, int perGroup,
                                                                          uint64_t seed) {
  const auto j = nlohmann::json::parse(readFile(path), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(path, "is not a BOLD prompts file ({group: {name: [prompts]}})");
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& [group, people] : j.items()) {
    std::vector<std::string> prompts;
    if (people.is_object())
      for (const auto& [name, list] : people.items())
        for (const auto& p : list)
          if (p.is_string()) prompts.push_back(p.get<std::string>());
    std::shuffle(prompts.begin(), prompts.end(), std::mt19937_64(seed));
    if (int(prompts.size()) > perGroup) prompts.resize(size_t(perGroup));
    if (prompts.empty()) throw InputError(path, "group '" + group + "' has no prompts");
    out.push_back({group, std::move(prompts)});
  }
  if (out.size() < 2) throw InputError(path, "needs at least two groups to compare");
  return out;
}

/// The stored sentiment classifier BOLD continuations are scored with, and its positive class.
struct SentimentScorer {
  AuditedRun run;
  std::string positive;
};

BoldResult evaluateBold(HfTransformerImpl& student, const LmCorpus& corpus, const GenderSwapper& swapper,
                        const DistillationRunOptions& o, const SentimentScorer* sentiment) {
  BoldResult r;
  uint64_t k = 0;
  for (const auto& [group, prompts] : boldPrompts(o.boldPrompts, o.boldPerGroup, o.teacher.seed)) {
    BoldGroupResult g;
    g.group = group;
    g.prompts = long(prompts.size());
    std::vector<std::string> texts;
    for (const auto& prompt : prompts) {
      const auto continuation = continuePrompt(student, corpus.vocabulary, prompt, 12, 0.9, k++);
      const auto side = swapper.groupOf(continuation);
      g.polarity += side == "female" ? 1 : side == "male" ? -1 : 0;
      texts.push_back(continuation);
      if (r.samples.size() < 20) r.samples.push_back({prompt, continuation});
    }
    g.polarity /= double(prompts.size());
    g.sentiment = std::numeric_limits<double>::quiet_NaN();
    if (sentiment) {
      const auto p = classProbabilities(sentiment->run, texts, sentiment->positive);
      g.sentiment = std::accumulate(p.begin(), p.end(), 0.0) / double(p.size());
    }
    r.groups.push_back(g);
  }
  r.sentimentGap = std::abs(r.groups[0].sentiment - r.groups[1].sentiment);
  r.polarityGap = std::abs(r.groups[0].polarity - r.groups[1].polarity);
  return r;
}

/// Contextual embeddings of `words` at up to `perWord` of their occurrences in the training rows.
std::map<std::string, torch::Tensor> contextualPools(HfTransformerImpl& lm, const LmCorpus& corpus,
                                                     const std::vector<std::string>& words, long perWord) {
  std::map<long, std::string> wanted;
  for (const auto& w : words)
    if (const long id = corpus.vocabulary.wordId(w); id >= 0) wanted[id] = w;
  std::map<std::string, std::vector<torch::Tensor>> found;
  torch::NoGradGuard noGrad;
  lm.eval();
  const auto device = lm.body.wordEmbeddings()->weight.device();
  for (long start = 0; start < corpus.train.size(); start += 256) {
    const auto rows = corpus.train.select(torch::arange(start, std::min<long>(start + 256, corpus.train.size())));
    const auto h = lm.forward(rows.ids.to(device), tokenMask(rows.lengths, rows.ids.size(1)).to(device)).to(torch::kCPU, torch::kDouble);
    // A causal LM's state at a word has not seen the rest of its sentence; the state at the
    // sentence's end has seen all of it, as BERT's state at the word does in CEAT.
    const auto ids = rows.ids.accessor<int64_t, 2>();
    const auto length = rows.lengths.accessor<int64_t, 1>();
    for (long b = 0; b < rows.size(); ++b) {
      const long last = length[b] - 1;
      for (long t = 0; t <= last; ++t)
        if (const auto it = wanted.find(ids[b][t]); it != wanted.end() && long(found[it->second].size()) < perWord)
          found[it->second].push_back(h[b][last]);
    }
  }
  std::map<std::string, torch::Tensor> pools;
  for (auto& [w, states] : found) pools[w] = torch::stack(states);
  return pools;
}

/// The options' corpus, in the teacher's tokens, and the teacher: read from its folder (and
/// fine-tuned on the corpus for teacher.epochs), or trained on the corpus's words (shared by
/// distillation and CEAT).
struct TrainedTeacher {
  LmCorpus corpus;
  HfTransformer model{nullptr};
};
TrainedTeacher trainTeacher(const DistillationRunOptions& o, const GenderSwapper& swapper, const LmProgress& progress,
                            const std::atomic<bool>* stop) {
  LmCorpusOptions c;
  c.seed = o.teacher.seed;
  c.maxVocabulary = o.maxVocabulary;
  HfTransformer model{nullptr};
  if (!o.teacherModel.empty()) {
    model = loadHfTransformer(openHfModelFolder(o.teacherModel));
    if (const auto& type = model->body.config().modelType; !model->body.config().causal())
      throw InputError(o.teacherModel, "is a " + type + " model: the teacher must be a causal language model (gpt2)", 0, "teacher");
    c.tokenizer = o.teacherModel;
    c.maxLength = std::min(c.maxLength, model->body.config().maxPositions);
  }
  TrainedTeacher t{buildLmCorpus(corpusSentences(o), swapper, c)};
  torch::manual_seed(o.teacher.seed);
  if (!model) model = wordLanguageModel(t.corpus.vocabulary.size(), o.teacherDim, o.teacherLayers, 64);
  model->to(parseDevice(o.device));
  if (o.teacher.epochs > 0) trainLanguageModel(*model, t.corpus, o.teacher, progress, stop);
  model->eval();
  t.model = model;
  return t;
}

/// A student of `o`'s depth: from a subset of the teacher's layers when it has the teacher's width
/// (always for a pretrained teacher), otherwise a random word-level model of studentDim.
HfTransformer makeStudent(HfTransformerImpl& teacher, const DistillationRunOptions& o, const torch::Device& device) {
  const long teacherLayers = teacher.body.config().layers;
  const long layers = o.studentLayers > 0 ? o.studentLayers : std::max<long>(1, teacherLayers / 2);
  if (!o.teacherModel.empty() || o.studentDim == 0 || o.studentDim == teacher.body.config().hiddenSize)
    return studentOf(teacher, layers);
  auto student = wordLanguageModel(teacher.body.config().vocabSize, o.studentDim, layers, teacher.body.config().maxPositions);
  student->to(device);
  return student;
}

/// Contextual embeddings of `words` in a pretrained model, at up to `perWord` occurrences each.
std::map<std::string, torch::Tensor> pretrainedContextualPools(const std::string& folder,
                                                               const std::vector<std::string>& sentences,
                                                               const std::vector<std::string>& words, long perWord) {
  auto model = loadHfTransformer(openHfModelFolder(folder));
  TokenizerOptions tokenizer;
  tokenizer.pretrained = folder;
  tokenizer.maxLength = size_t(model->body.config().maxPositions - model->body.config().positionOffset());
  const bool causal = model->body.config().causal();
  std::map<std::string, std::vector<torch::Tensor>> found;
  torch::NoGradGuard noGrad;
  for (const auto& sentence : sentences) {
    const auto lower = toLowerAscii(sentence);
    std::vector<std::pair<std::string, std::pair<size_t, size_t>>> hits;
    for (const auto& w : words)
      if (long(found[w].size()) < perWord)
        for (const auto& span : wholeWordOccurrences(lower, w)) hits.push_back({w, span});
    if (hits.empty()) continue;
    const auto e = encodePretrainedText(sentence, tokenizer);
    const auto ids = torch::tensor(std::vector<int64_t>(e.ids.begin(), e.ids.end()), torch::kLong).unsqueeze(0);
    const auto hidden = model->forward(ids, torch::ones_like(ids, torch::kBool))[0].to(torch::kDouble);
    for (const auto& [w, span] : hits) {
      const auto pieces = tokensInside(e, span);  // the tokens inside the occurrence
      if (pieces.empty() || long(found[w].size()) >= perWord) continue;
      found[w].push_back(causal ? hidden[pieces.back()]
                                : hidden.index_select(0, torch::tensor(std::vector<int64_t>(pieces.begin(), pieces.end()))).mean(0));
    }
  }
  std::map<std::string, torch::Tensor> pools;
  for (auto& [w, states] : found)
    if (!states.empty()) pools[w] = torch::stack(states);
  return pools;
}

/// The downstream task's spec for a student saved at `folder`.
ExperimentSpec downstreamSpec(const DistillationRunOptions& o, const std::string& folder, const std::string& method) {
  auto spec = *o.downstream;
  spec.name = "downstream-" + method;
  spec.model.type = "hf";
  spec.model.path = folder;
  return spec;
}

/// A finished run of this student under the options' experiment, read back (no prompts), or none.
std::optional<DistillationOutcome> storedStudent(const RunStore& store, const DistillationRunOptions& o,
                                                 const std::string& method) {
  const auto hash = sha256Hex(distillationSpecJson(o, method));
  for (const auto& run : store.listRuns(o.experiment)) {
    if (run.experiment != o.experiment || run.status != "finished" || run.specSha256 != hash) continue;
    DistillationOutcome r;
    r.runId = run.id;
    r.method = method;
    r.reused = true;
    r.disparity = run.metric(kDisparityMetric);
    r.perplexity = run.metric(kPerplexityMetric);
    r.teacherDisparity = run.metric(kTeacherDisparityMetric);
    r.teacherPerplexity = run.metric(kTeacherPerplexityMetric);
    r.seconds = run.metric("time/seconds");
    r.folder = runArtifactDir(store.path(), run.id);
    for (const auto& [key, value] : run.latestMetrics)
      if (key.rfind(kDownstreamPrefix, 0) == 0) r.downstream[key.substr(sizeof kDownstreamPrefix - 1)] = value;
    if (const auto it = run.params.find("downstream_run"); it != run.params.end()) r.downstreamRunId = std::stoll(it->second);
    if (o.downstream && r.downstream.empty()) continue;  // its downstream fine-tune did not finish
    return r;
  }
  return std::nullopt;
}

/// Fine-tunes the student saved at r.folder on the downstream task (a run of its own) and audits
/// the classifier's fairness; fills r.downstreamRunId and r.downstream (empty when stopped).
void fineTuneDownstream(const DistillationRunOptions& o, RunStore& store, DistillationOutcome& r,
                        const std::atomic<bool>* stop) {
  RunOptions run;
  run.store = &store;
  run.experiment = o.experiment;
  run.stop = stop;
  const auto trained = runExperiment(downstreamSpec(o, r.folder, r.method), run);
  r.downstreamRunId = trained.runId;
  if (trained.status != "finished") return;
  AuditRequest request;
  request.positiveLabel = o.downstreamPositive;
  request.stop = stop;
  const auto audit = runAudit(store, trained.runId, loadRunForAudit(store, trained.runId), kFairnessAudit, request);
  if (audit.cancelled) return;
  r.downstream["test/accuracy"] = trained.test.accuracy;
  for (const auto& m : audit.metrics) r.downstream[auditMetricKey(kFairnessAudit, audit.scope, m.key)] = m.value;
}

/// What every student of one teacher shares.
struct StudentContext {
  const DistillationRunOptions& o;
  HfTransformerImpl& teacher;
  const LmCorpus& corpus;
  const GenderSwapper& swapper;
  const SentimentScorer* sentiment;
  RunStore* store;
  int threads;
  std::vector<PromptPolarity> teacherPrompts;
  double teacherDisparity, teacherPerplexity;
};

/// A few prompts continued by teacher and student, as written and gender-swapped.
std::vector<PromptContinuation> continuations(const StudentContext& c, HfTransformerImpl& student,
                                              const std::vector<PromptPolarity>& prompts) {
  std::vector<PromptContinuation> out;
  const auto& v = c.corpus.vocabulary;
  for (size_t k = 0; k < prompts.size() && int(out.size()) < c.o.examples;
       k += std::max<size_t>(1, prompts.size() / size_t(std::max(1, c.o.examples)))) {
    const auto& p = prompts[k];
    const auto swapped = c.swapper.swap(p.prompt).text;
    out.push_back({p.prompt, swapped, continuePrompt(c.teacher, v, p.prompt, 8, 0.9, k), continuePrompt(student, v, p.prompt, 8, 0.9, k),
                   continuePrompt(c.teacher, v, swapped, 8, 0.9, k + 1000), continuePrompt(student, v, swapped, 8, 0.9, k + 1000),
                   c.teacherPrompts[k].polarity, p.polarity});
  }
  return out;
}

/// Distils one student, evaluates it, saves it beside its run and fine-tunes it downstream.
DistillationOutcome trainStudent(const StudentContext& c, const std::string& method, const LmProgress& progress,
                                 const std::atomic<bool>* stop) {
  const auto& o = c.o;
  const auto t0 = std::chrono::steady_clock::now();
  DistillationOutcome r;
  r.method = method;
  r.teacherDisparity = c.teacherDisparity;
  r.teacherPerplexity = c.teacherPerplexity;
  const std::string spec = distillationSpecJson(o, method);
  if (c.store) {
    r.runId = c.store->createRun(o.experiment, "distill-" + method, spec, sha256Hex(spec), o.teacher.seed,
                                 captureRepro(o.device, c.threads));
    c.store->logParams(r.runId, {{"method", method}, {"corpus", o.corpus}, {"mix", o.distillation.mix},
                                 {"teacher_model", o.teacherModel.empty() ? "word-level, trained here" : o.teacherModel},
                                 {"tokens", c.corpus.vocabulary.kind()}, {"vocab_size", std::to_string(c.corpus.vocabulary.size())},
                                 {"train_sentences", std::to_string(c.corpus.train.size())}});
  }
  try {
    torch::manual_seed(o.teacher.seed + 17);
    auto student = makeStudent(c.teacher, o, parseDevice(o.device));
    auto d = o.distillation;
    d.method = method;
    distill(c.teacher, *student, c.corpus, d, progress, stop);
    r.disparity = occupationDisparity(*student, c.corpus.vocabulary, &r.prompts);
    r.perplexity = perplexity(*student, c.corpus.valid);
    r.continuations = continuations(c, *student, r.prompts);
    if (!o.boldPrompts.empty()) r.bold = evaluateBold(*student, c.corpus, c.swapper, o, c.sentiment);
    if (c.store && !(stop && stop->load())) {
      r.folder = runArtifactDir(c.store->path(), r.runId);
      saveLanguageModel(*student, c.corpus.vocabulary, o.teacherModel, r.folder);
      if (o.downstream) {
        fineTuneDownstream(o, *c.store, r, stop);
        c.store->logParams(r.runId, {{"downstream_run", std::to_string(r.downstreamRunId)}});
      }
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (c.store) {
      const double t = unixSeconds();
      std::vector<RunStore::Metric> metrics = {{kDisparityMetric, 0, r.disparity, t},
                                               {kPerplexityMetric, 0, r.perplexity, t},
                                               {kTeacherDisparityMetric, 0, c.teacherDisparity, t},
                                               {kTeacherPerplexityMetric, 0, c.teacherPerplexity, t},
                                               {"time/seconds", 0, r.seconds, t}};
      if (!o.boldPrompts.empty()) metrics.push_back({"distill/bold_polarity_gap", 0, r.bold.polarityGap, t});
      if (c.sentiment) metrics.push_back({"distill/bold_sentiment_gap", 0, r.bold.sentimentGap, t});
      for (const auto& [key, value] : r.downstream) metrics.push_back({std::string(kDownstreamPrefix) + key, 0, value, t});
      c.store->logMetrics(r.runId, metrics);
      c.store->finishRun(r.runId, stop && stop->load() ? "killed" : "finished");
    }
  } catch (const std::exception& e) {
    if (c.store) c.store->finishRun(r.runId, "failed", e.what());
    throw;
  }
  return r;
}

}  // namespace

CeatRunResult runCeat(const DistillationRunOptions& o, const WeatTest* test, long samples, long perWord,
                      const LmProgress& progress) {
  CeatRunResult r;
  r.test = test ? *test : occupationTest();
  configureThreads(0);
  auto teacher = trainTeacher(o, GenderSwapper::builtIn(), progress, nullptr);
  const auto lowered = lowerCased(r.test);
  const auto words = testWords(lowered);
  r.result = ceat(contextualPools(*teacher.model, teacher.corpus, words, perWord), lowered, samples, o.teacher.seed);
  return r;
}

CeatRunResult runCeatOnPretrained(const DistillationRunOptions& o, const std::string& hfModel, const WeatTest* test,
                                  long samples, long perWord) {
  CeatRunResult r;
  r.test = test ? *test : occupationTest();
  configureThreads(0);
  const auto lowered = lowerCased(r.test);
  const auto words = testWords(lowered);
  r.result = ceat(pretrainedContextualPools(hfModel, corpusSentences(o), words, perWord), lowered, samples, o.teacher.seed);
  return r;
}

std::vector<DistillationOutcome> runDistillation(const DistillationRunOptions& o, RunStore* store,
                                                 const LmProgress& progress, const DistillationListener& listener,
                                                 const std::atomic<bool>* stop) {
  const int threads = configureThreads(0);
  const auto& known = distillationMethods();
  for (const auto& m : o.methods)
    if (std::find(known.begin(), known.end(), m) == known.end())
      throw InputError("distillation", "'" + m + "': must be kd, cda, perturb, both or all", 0, "methods");
  // Checked before the teacher trains: a wrong sentiment run or downstream task should not cost a teacher.
  std::unique_ptr<SentimentScorer> sentiment;
  if (!o.boldPrompts.empty() && o.sentimentRun > 0) {
    if (!store) throw InputError("distillation", "needs a run store", 0, "sentiment_run");
    auto run = loadRunForAudit(*store, o.sentimentRun);
    const auto positive = positiveClassFor(run, o.sentimentPositive);
    sentiment = std::make_unique<SentimentScorer>(SentimentScorer{std::move(run), positive});
  }
  if (o.downstream) {
    if (!store) throw InputError("distillation", "a downstream fine-tune needs a run store", 0, "downstream");
    o.downstream->requireValid("downstream");  // its data and training (the model is each student's)
    const auto& data = o.downstream->data;
    loadDataset({data.dataset, data.format, data.columns});  // a missing or malformed dataset, named now
  }
  std::vector<DistillationOutcome> out;
  std::vector<std::string> toTrain;
  for (const auto& method : o.methods) {
    auto stored = o.reuseFinished && store ? storedStudent(*store, o, method) : std::nullopt;
    if (!stored) {
      toTrain.push_back(method);
      continue;
    }
    if (listener) listener(*stored);
    out.push_back(std::move(*stored));
  }
  if (toTrain.empty()) return out;
  const auto swapper = GenderSwapper::builtIn();
  auto trained = trainTeacher(o, swapper, progress, stop);
  StudentContext context{o, *trained.model, trained.corpus, swapper, sentiment.get(), store, threads, {}, 0, 0};
  context.teacherDisparity = occupationDisparity(*trained.model, trained.corpus.vocabulary, &context.teacherPrompts);
  context.teacherPerplexity = perplexity(*trained.model, trained.corpus.valid);
  for (const auto& method : toTrain) {
    if (stop && stop->load()) break;
    auto r = trainStudent(context, method, progress, stop);
    if (listener) listener(r);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace trustlab
