#include "experiment/distillation_run.h"

#include <torch/torch.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "data/gendered_corpus.h"
#include "util/errors.h"
#include "util/runtime.h"
#include "util/sha256.h"
#include "util/text.h"

namespace trustlab {
namespace {

std::vector<std::string> corpusSentences(const DistillationRunOptions& o) {
  if (o.corpus == "default") return generateGenderedCorpus({o.sentences, o.association, o.teacher.seed});
  std::vector<std::string> out;
  for (const auto& line : readLines(o.corpus))
    if (!trim(line).empty()) out.push_back(line);
  if (out.size() < 10) throw InputError(o.corpus, "needs at least 10 non-empty lines (one sentence each)");
  return out;
}

std::string optionsJson(const DistillationRunOptions& o, const std::string& method) {
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
                        {"teacher", {{"dim", o.teacherDim}, {"layers", o.teacherLayers}}},
                        {"student", {{"dim", o.studentDim}, {"layers", o.studentLayers}}},
                        {"sentences", o.sentences},
                        {"association", o.association},
                        {"seed", o.teacher.seed}}
      .dump(2);
}

}  // namespace

std::vector<DistillationOutcome> runDistillation(const DistillationRunOptions& o, RunStore* store,
                                                 const LmProgress& progress, const DistillationListener& listener,
                                                 const std::atomic<bool>* stop) {
  const int threads = configureThreads(0);
  const torch::Device device = parseDevice(o.device);
  for (const auto& m : o.methods)
    if (m != "kd" && m != "cda" && m != "perturb" && m != "both")
      throw InputError("--method", "'" + m + "': must be kd, cda, perturb, both or all");
  const auto swapper = GenderSwapper::builtIn();
  const auto corpus = buildLmCorpus(corpusSentences(o), swapper, 32, 0.1, o.teacher.seed);
  const long V = long(corpus.vocabulary.size());
  torch::manual_seed(o.teacher.seed);
  WordLm teacher(WordLmOptions(V).dim(o.teacherDim).layers(o.teacherLayers).ffn_dim(2 * o.teacherDim));
  teacher->to(device);
  trainLanguageModel(teacher, corpus, o.teacher, progress, stop);
  const double teacherDisparity = occupationDisparity(teacher, corpus.vocabulary);
  const double teacherPerplexity = perplexity(teacher, corpus.valid);
  std::vector<DistillationOutcome> out;
  for (const auto& method : o.methods) {
    if (stop && stop->load()) break;
    const auto t0 = std::chrono::steady_clock::now();
    DistillationOutcome r;
    r.method = method;
    r.teacherDisparity = teacherDisparity;
    r.teacherPerplexity = teacherPerplexity;
    const std::string spec = optionsJson(o, method);
    if (store) {
      r.runId = store->createRun("distill", "distill-" + method, spec, sha256Hex(spec), o.teacher.seed,
                                 captureRepro(o.device, threads));
      store->logParams(r.runId, {{"method", method}, {"corpus", o.corpus}, {"mix", o.distillation.mix},
                                 {"vocab_size", std::to_string(V)}, {"train_sentences", std::to_string(corpus.train.size(0))}});
    }
    try {
      torch::manual_seed(o.teacher.seed + 17);
      WordLm student(WordLmOptions(V).dim(o.studentDim).layers(o.studentLayers).ffn_dim(2 * o.studentDim));
      student->to(device);
      auto d = o.distillation;
      d.method = method;
      distill(teacher, student, corpus, swapper, d, progress, stop);
      r.disparity = occupationDisparity(student, corpus.vocabulary, &r.prompts);
      r.perplexity = perplexity(student, corpus.valid);
      std::vector<PromptPolarity> teacherPrompts;
      occupationDisparity(teacher, corpus.vocabulary, &teacherPrompts);
      for (size_t k = 0; k < r.prompts.size() && int(r.continuations.size()) < o.examples;
           k += std::max<size_t>(1, r.prompts.size() / size_t(std::max(1, o.examples)))) {
        const auto& p = r.prompts[k];
        const auto swapped = swapper.swap(p.prompt).text;
        r.continuations.push_back({p.prompt, swapped, continuePrompt(teacher, corpus.vocabulary, p.prompt, 8, 0.9, k),
                                   continuePrompt(student, corpus.vocabulary, p.prompt, 8, 0.9, k),
                                   continuePrompt(teacher, corpus.vocabulary, swapped, 8, 0.9, k + 1000),
                                   continuePrompt(student, corpus.vocabulary, swapped, 8, 0.9, k + 1000),
                                   teacherPrompts[k].polarity, p.polarity});
      }
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (store) {
        const double t = unixSeconds();
        store->logMetrics(r.runId, {{"distill/gender_disparity", 0, r.disparity, t},
                                    {"distill/perplexity", 0, r.perplexity, t},
                                    {"distill/teacher_gender_disparity", 0, teacherDisparity, t},
                                    {"distill/teacher_perplexity", 0, teacherPerplexity, t},
                                    {"time/seconds", 0, r.seconds, t}});
        store->finishRun(r.runId, stop && stop->load() ? "killed" : "finished");
      }
    } catch (const std::exception& e) {
      if (store) store->finishRun(r.runId, "failed", e.what());
      throw;
    }
    if (listener) listener(r);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace trustlab
