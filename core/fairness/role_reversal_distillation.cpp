#include "fairness/role_reversal_distillation.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/batching.h"
#include "data/gendered_corpus.h"
#include "models/causal_lm.h"
#include "pretrained/hf_folder_writer.h"
#include "pretrained/hf_weights.h"
#include "tokenizers/word_level_tokenizer.h"
#include "interop/export_files.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

torch::Device deviceOf(HfTransformerImpl& m) { return m.body.wordEmbeddings()->weight.device(); }

/// A batch's predicting positions: those whose next token is real ([B, T − 1] bool), and that
/// token. Only they reach the vocabulary projection, so padding never pays for GPT-2's 50,257-way
/// softmax.
struct Predicting {
  torch::Tensor mask, keep, targets;
};
Predicting predicting(const LmRows& batch) {
  const long T = batch.ids.size(1);
  const auto mask = tokenMask(batch.lengths, T);
  const auto keep = mask.narrow(1, 1, T - 1);
  return {mask, keep, batch.ids.narrow(1, 1, T - 1).index({keep})};
}

/// The model's last hidden states at the predicting positions, [N, D].
torch::Tensor hiddenAt(HfTransformerImpl& model, const torch::Tensor& ids, const Predicting& at) {
  return model.forward(ids, at.mask).narrow(1, 0, ids.size(1) - 1).index({at.keep});
}

/// Row ranges of [N, V] logits of at most ~16 MB each: glibc serves blocks that size from a heap
/// it reuses, where a bigger block is freshly mapped each time and its page faults dominate a step.
std::vector<std::pair<long, long>> logitChunks(long rows, long vocabulary) {
  const long step = std::max<long>(1, (long(4) << 20) / std::max<long>(1, vocabulary));
  std::vector<std::pair<long, long>> out;
  for (long start = 0; start < rows; start += step) out.emplace_back(start, std::min(step, rows - start));
  return out;
}

/// Σ next-token cross-entropy over a batch's real tokens, and their number.
std::pair<torch::Tensor, long> summedNextTokenLoss(HfTransformerImpl& model, const LmRows& batch) {
  const auto at = predicting(batch);
  const auto hidden = hiddenAt(model, batch.ids, at);
  auto sum = torch::zeros({}, hidden.options());
  for (const auto& [start, n] : logitChunks(hidden.size(0), model.body.config().vocabSize))
    sum = sum + torch::nn::functional::cross_entropy(model.body.lmLogits(hidden.narrow(0, start, n)), at.targets.narrow(0, start, n),
                                                     torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
  return {sum, hidden.size(0)};
}

/// The mean next-token loss over the real tokens of rows.
torch::Tensor meanNextTokenLoss(HfTransformerImpl& model, const LmRows& rows) {
  const auto [sum, count] = summedNextTokenLoss(model, rows);
  return sum / double(std::max<long>(1, count));
}

double epochLoop(HfTransformerImpl& model, torch::optim::Optimizer& opt, long n, const LmTrainOptions& o, int epoch,
                 const std::function<torch::Tensor(const torch::Tensor&)>& lossOf, const std::atomic<bool>* stop) {
  double total = 0;
  long batches = 0;
  model.train();
  for (const auto& idx : epochBatches(n, o.batchSize, true, o.seed * 7919 + uint64_t(epoch))) {
    if (stop && stop->load()) break;
    opt.zero_grad();
    const auto loss = lossOf(idx);
    const double value = loss.item<double>();
    if (!std::isfinite(value)) throw InputError("distill", "the loss became NaN/inf: lower the learning rate");
    loss.backward();
    torch::nn::utils::clip_grad_norm_(model.parameters(), 1.0);
    opt.step();
    total += value;
    ++batches;
  }
  return batches ? total / double(batches) : 0;
}

void checkVocabulary(HfTransformerImpl& model, const LmCorpus& corpus, const char* role) {
  const auto& c = model.body.config();
  if (!c.tiedEmbeddings || !c.causal())
    throw InputError("distillation", std::string("the ") + role + " is a " + c.modelType +
                                         " model: distillation needs a causal language model (gpt2)", 0, role);
  if (c.vocabSize != corpus.vocabulary.size())
    throw InputError("distillation", std::string("the ") + role + "'s vocabulary (" + std::to_string(c.vocabSize) +
                                         " tokens) is not the corpus's (" + std::to_string(corpus.vocabulary.size()) + ")", 0, role);
}

LmRows concatenated(const LmRows& a, const LmRows& b) { return {torch::cat({a.ids, b.ids}), torch::cat({a.lengths, b.lengths})}; }

}  // namespace

void saveLanguageModel(const HfTransformerImpl& lm, const LmVocabulary& vocabulary, const std::string& pretrainedFolder,
                       const std::string& folder) {
  makeExportFolder(folder);
  auto config = lm.body.config();
  if (pretrainedFolder.empty()) {
    config.padTokenId = vocabulary.padding();
    writeExportFile(std::filesystem::path(folder) / "tokenizer.json",
    WordLevelTokenizer::tokenizerJson(vocabulary.surfaces(), vocabulary.surfaces()[Vocabulary::kUnk]));
  } else {
    copyTokenizerFiles(openHfModelFolder(pretrainedFolder), folder);
  }
  writeExportFile(std::filesystem::path(folder) / "config.json", hfConfigJson(config, "GPT2LMHeadModel"));
  saveHfWeights(lm, config.modelType, (std::filesystem::path(folder) / "model.safetensors").string());
}

void trainLanguageModel(HfTransformerImpl& model, const LmCorpus& corpus, const LmTrainOptions& o,
                        const LmProgress& progress, const std::atomic<bool>* stop) {
  checkVocabulary(model, corpus, "teacher");
  torch::manual_seed(o.seed);
  const auto device = deviceOf(model);
  torch::optim::AdamW opt(model.parameters(), torch::optim::AdamWOptions(o.lr));
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    const double loss = epochLoop(model, opt, corpus.train.size(), o, epoch, [&](const torch::Tensor& idx) {
      return meanNextTokenLoss(model, corpus.train.select(idx).to(device));
    }, stop);
    if (progress) progress("teacher", epoch + 1, o.epochs, loss);
  }
  model.eval();
}

const std::vector<std::string>& distillationMethods() {
  static const std::vector<std::string> methods = {"kd", "cda", "perturb", "both"};
  return methods;
}

torch::Tensor swapDistribution(const torch::Tensor& p, const VocabularySwap& swap) {
  auto out = p.index_select(-1, swap.sigma.to(p.device()));
  // her ↔ {his, him}: her takes the mass of both; his and him share her mass as the teacher
  // shares its own between them.
  for (const auto& [her, his, him] : swap.herHisHim) {
    const auto zero = torch::zeros_like(p.select(-1, her));
    const auto pHis = his >= 0 ? p.select(-1, his) : zero;
    const auto pHim = him >= 0 ? p.select(-1, him) : zero;
    const auto male = pHis + pHim;
    const auto share = torch::where(male > 0, pHis / male.clamp_min(1e-30), torch::full_like(male, 0.5));
    const auto pHer = p.select(-1, her);
    out.select(-1, her).copy_(male);
    if (his >= 0) out.select(-1, his).copy_(pHer * share);
    if (him >= 0) out.select(-1, him).copy_(pHer * (1 - share));
  }
  return out;
}

torch::Tensor mixDistributions(const torch::Tensor& p, const torch::Tensor& q, const std::string& mix) {
  torch::Tensor m;
  if (mix == "mean") m = (p + q) / 2;
  else if (mix == "max") m = torch::maximum(p, q);
  else if (mix == "expmean") m = (p * q).sqrt();
  else throw InputError("distill.mix", "must be mean, max or expmean");
  return m / m.sum(-1, true).clamp_min(1e-30);
}

void distill(HfTransformerImpl& teacher, HfTransformerImpl& student, const LmCorpus& corpus, const DistillationOptions& o,
             const LmProgress& progress, const std::atomic<bool>* stop) {
  const auto& methods = distillationMethods();
  if (std::find(methods.begin(), methods.end(), o.method) == methods.end())
    throw InputError("distill.method", "must be kd, cda, perturb or both");
  if (!(o.kdWeight >= 0 && o.kdWeight <= 1)) throw InputError("distill.kd_weight", "must be in [0, 1]");
  if (!(o.temperature > 0)) throw InputError("distill.temperature", "must be > 0");
  checkVocabulary(teacher, corpus, "teacher");
  checkVocabulary(student, corpus, "student");
  const bool cda = o.method == "cda" || o.method == "both", perturb = o.method == "perturb" || o.method == "both";
  // CDA: the swapped copies join the corpus (their own swapped twin is the original).
  const auto rows = cda ? concatenated(corpus.train, corpus.trainSwapped) : corpus.train;
  const auto twins = cda ? concatenated(corpus.trainSwapped, corpus.train) : corpus.trainSwapped;
  const auto aligned = cda ? torch::cat({corpus.twinAligned, corpus.twinAligned}) : corpus.twinAligned;
  torch::manual_seed(o.training.seed + 1);
  const auto device = deviceOf(student);
  teacher.eval();
  torch::optim::AdamW opt(student.parameters(), torch::optim::AdamWOptions(o.training.lr));
  const double tau = o.temperature;
  // The teacher's log q_τ at some predicting positions: its own distribution, or (perturbation)
  // mixed with its distribution on the twin read through the swap, where the twin lines up.
  const auto teacherLogQ = [&](const torch::Tensor& hidden, const torch::Tensor& twinHidden, const torch::Tensor& twinAligned) {
    auto logQ = torch::log_softmax(teacher.body.lmLogits(hidden) / tau, -1);
    if (!perturb) return logQ;
    const auto pSwapped = torch::softmax(teacher.body.lmLogits(twinHidden) / tau, -1);
    const auto mixed = mixDistributions(logQ.exp(), swapDistribution(pSwapped, corpus.swap), o.mix).clamp_min(1e-30).log();
    return torch::where(twinAligned.unsqueeze(1), mixed, logQ);
  };
  for (int epoch = 0; epoch < o.training.epochs; ++epoch) {
    const double loss = epochLoop(student, opt, rows.size(), o.training, epoch, [&](const torch::Tensor& idx) {
      const auto batch = rows.select(idx).to(device);
      const auto at = predicting(batch);
      torch::Tensor teacherHidden, twinHidden, twinAligned;
      {
        torch::NoGradGuard noGrad;
        teacherHidden = hiddenAt(teacher, batch.ids, at);
        if (perturb) {  // an aligned twin has its row's length, so the row's positions are its own
          twinHidden = hiddenAt(teacher, twins.ids.index_select(0, idx).narrow(1, 0, batch.ids.size(1)).to(device), at);
          twinAligned = aligned.index_select(0, idx).to(device).view({-1, 1}).expand_as(at.keep).index({at.keep});
        }
      }
      const auto hidden = hiddenAt(student, batch.ids, at);
      auto kd = torch::zeros({}, hidden.options()), ce = torch::zeros({}, hidden.options());
      for (const auto& [start, n] : logitChunks(hidden.size(0), student.body.config().vocabSize)) {
        torch::Tensor logQ;
        {
          torch::NoGradGuard noGrad;
          logQ = teacherLogQ(teacherHidden.narrow(0, start, n), perturb ? twinHidden.narrow(0, start, n) : twinHidden,
                             perturb ? twinAligned.narrow(0, start, n) : twinAligned);
        }
        const auto logits = student.body.lmLogits(hidden.narrow(0, start, n));
        kd = kd + torch::kl_div(torch::log_softmax(logits / tau, -1), logQ, at::Reduction::Sum, /*log_target=*/true);
        ce = ce + torch::nn::functional::cross_entropy(logits, at.targets.narrow(0, start, n),
                                                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
      }
      const double N = double(std::max<long>(1, hidden.size(0)));
      return (o.kdWeight * tau * tau * kd + (1 - o.kdWeight) * ce) / N;
    }, stop);
    if (progress) progress("student (" + o.method + ")", epoch + 1, o.training.epochs, loss);
  }
  student.eval();
}

double perplexity(HfTransformerImpl& model, const LmRows& rows) {
  torch::NoGradGuard noGrad;
  model.eval();
  const auto device = deviceOf(model);
  double nll = 0, tokens = 0;
  for (const auto& idx : epochBatches(rows.size(), 64, false, 0)) {
    const auto [sum, count] = summedNextTokenLoss(model, rows.select(idx).to(device));
    nll += sum.item<double>();
    tokens += double(count);
  }
  return std::exp(nll / std::max(1.0, tokens));
}

double occupationDisparity(HfTransformerImpl& model, const LmVocabulary& v, std::vector<PromptPolarity>* detail) {
  torch::NoGradGuard noGrad;
  model.eval();
  const auto mass = [&](const torch::Tensor& p, std::initializer_list<const char*> words) {
    double m = 0;
    for (const char* w : words)
      if (const long id = v.wordId(w); id >= 0) m += p[id].item<double>();
    return m;
  };
  double total = 0;
  long n = 0;
  for (const auto& prompt : occupationPrompts()) {
    const auto ids = v.encode(prompt.prompt);
    const auto x = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kLong).unsqueeze(0).to(deviceOf(model));
    const auto logits = model.body.lmLogits(model.forward(x, torch::ones_like(x, torch::kBool))[0][long(ids.size()) - 1]);
    const auto p = torch::softmax(logits.to(torch::kDouble), -1).cpu();
    PromptPolarity r{prompt.prompt, prompt.occupation, mass(p, {"she", "her"}), mass(p, {"he", "his", "him"}), 0};
    r.polarity = r.pFemale + r.pMale > 0 ? (r.pFemale - r.pMale) / (r.pFemale + r.pMale) : 0;
    total += std::abs(r.polarity);
    ++n;
    if (detail) detail->push_back(r);
  }
  return n ? total / double(n) : 0;
}

std::string continuePrompt(HfTransformerImpl& model, const LmVocabulary& v, const std::string& prompt, int maxTokens,
                           double topP, uint64_t seed) {
  model.eval();
  const auto ids = v.encode(prompt);
  GenerationOptions g;
  g.maxNewTokens = std::min<int64_t>(maxTokens, model.body.config().maxPositions - long(ids.size()));
  if (g.maxNewTokens <= 0) return "";
  g.temperature = topP > 0 ? 1 : 0;
  g.topP = topP > 0 ? std::min(topP, 1.0) : 1;
  g.seed = seed;
  g.stopId = v.end();
  g.banned = v.banned();
  auto added = generateTokens(model, ids, g);
  if (!added.empty() && added.back() == v.end()) added.pop_back();
  return trim(v.decode(added));
}

}  // namespace trustlab
