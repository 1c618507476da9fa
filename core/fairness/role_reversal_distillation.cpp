#include "fairness/role_reversal_distillation.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "data/batching.h"
#include "data/gendered_corpus.h"
#include "util/errors.h"

namespace trustlab {
namespace {

torch::Device deviceOf(WordLm& m) { return m->parameters().front().device(); }

/// <s> followed by the text's token ids (a prompt; a sentence adds </s>).
std::vector<long> promptIds(const Vocabulary& v, const std::string& text) {
  std::vector<long> ids{v.id("<s>")};
  for (const auto& t : tokenize(text, true)) ids.push_back(v.id(t));
  return ids;
}

std::vector<long> encodeSentence(const std::string& text, const Vocabulary& v, long maxLength) {
  auto ids = promptIds(v, text);
  ids.push_back(v.id("</s>"));
  if (long(ids.size()) > maxLength) ids.resize(size_t(maxLength));
  return ids;
}

torch::Tensor padRows(const std::vector<std::vector<long>>& rows, long width) {
  auto out = torch::zeros({long(rows.size()), width}, torch::kLong);
  auto a = out.accessor<int64_t, 2>();
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < rows[i].size(); ++j) a[long(i)][long(j)] = rows[i][j];
  return out;
}

/// Rows without their all-padding tail columns.
torch::Tensor trimmed(const torch::Tensor& rows) {
  const long width = std::max<long>(2, (rows != 0).sum(1).max().item<long>());
  return rows.narrow(1, 0, std::min(width, rows.size(1)));
}

double epochLoop(WordLm& model, torch::optim::Optimizer& opt, long n, const LmTrainOptions& o, int epoch,
                 const std::function<torch::Tensor(const torch::Tensor&)>& lossOf, const std::atomic<bool>* stop) {
  double total = 0;
  long batches = 0;
  model->train();
  for (const auto& idx : epochBatches(n, o.batchSize, true, o.seed * 7919 + uint64_t(epoch))) {
    if (stop && stop->load()) break;
    opt.zero_grad();
    const auto loss = lossOf(idx);
    const double value = loss.item<double>();
    if (!std::isfinite(value)) throw InputError("distill", "the loss became NaN/inf: lower the learning rate");
    loss.backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    opt.step();
    total += value;
    ++batches;
  }
  return batches ? total / double(batches) : 0;
}

/// Cross-entropy of every row's next tokens (padding ignored): the mean, or the sum.
torch::Tensor nextTokenLoss(WordLm& model, const torch::Tensor& rows, bool sum = false) {
  const auto input = rows.narrow(1, 0, rows.size(1) - 1), target = rows.narrow(1, 1, rows.size(1) - 1);
  const auto logits = model->forward(input);
  auto options = torch::nn::functional::CrossEntropyFuncOptions().ignore_index(0);
  if (sum) options = options.reduction(torch::kSum);
  return torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(2)}), target.reshape(-1), options);
}

}  // namespace

LmCorpus buildLmCorpus(const std::vector<std::string>& sentences, const GenderSwapper& swapper, long maxLength,
                       double validFraction, uint64_t seed) {
  if (sentences.size() < 10) throw InputError("distill.corpus", "needs at least 10 sentences");
  std::vector<std::string> swapped, all = sentences;
  for (const auto& s : sentences) swapped.push_back(swapper.swap(s).text);
  all.insert(all.end(), swapped.begin(), swapped.end());  // swapped words get ids too
  LmCorpus c;
  TokenizerOptions t;
  c.vocabulary = Vocabulary::build(all, t);
  c.vocabulary.add("<s>");
  c.vocabulary.add("</s>");
  c.swap = vocabularySwap(c.vocabulary, swapper);
  std::vector<size_t> order(sentences.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  const size_t nValid = std::max<size_t>(1, size_t(double(sentences.size()) * validFraction));
  std::vector<std::vector<long>> train, trainSwapped, valid;
  for (size_t k = 0; k < order.size(); ++k) {
    const auto ids = encodeSentence(sentences[order[k]], c.vocabulary, maxLength);
    if (k < nValid) {
      valid.push_back(ids);
      continue;
    }
    auto twin = encodeSentence(swapped[order[k]], c.vocabulary, maxLength);
    if (twin.size() != ids.size()) twin = ids;  // a swap that changed the token count: keep it aligned
    train.push_back(ids);
    trainSwapped.push_back(std::move(twin));
  }
  c.train = padRows(train, maxLength);
  c.trainSwapped = padRows(trainSwapped, maxLength);
  c.valid = padRows(valid, maxLength);
  return c;
}

void trainLanguageModel(WordLm& model, const LmCorpus& corpus, const LmTrainOptions& o, const LmProgress& progress,
                        const std::atomic<bool>* stop) {
  torch::manual_seed(o.seed);
  const auto device = deviceOf(model);
  torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(o.lr));
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    const double loss = epochLoop(model, opt, corpus.train.size(0), o, epoch, [&](const torch::Tensor& idx) {
      return nextTokenLoss(model, trimmed(corpus.train.index_select(0, idx)).to(device));
    }, stop);
    if (progress) progress("teacher", epoch + 1, o.epochs, loss);
  }
  model->eval();
}

const std::vector<std::string>& distillationMethods() {
  static const std::vector<std::string> methods = {"kd", "cda", "perturb", "both"};
  return methods;
}

VocabularySwap vocabularySwap(const Vocabulary& v, const GenderSwapper& swapper) {
  const long V = long(v.size());
  std::vector<long> sigma(static_cast<size_t>(V));
  for (long t = 0; t < V; ++t) {
    const auto& word = v.token(t);
    const auto partner = swapper.partner(word);
    const bool mutual = !partner.empty() && swapper.partner(partner) == word && v.id(partner) != Vocabulary::kUnk;
    sigma[size_t(t)] = mutual ? v.id(partner) : t;
  }
  return {torch::tensor(sigma, torch::kLong), v.id("her"), v.id("his"), v.id("him")};
}

torch::Tensor swapDistribution(const torch::Tensor& p, const VocabularySwap& swap) {
  auto out = p.index_select(-1, swap.sigma.to(p.device()));
  // her ↔ {his, him}: her takes the mass of both; his and him share her mass as the teacher
  // shares its own between them.
  const long her = swap.her, his = swap.his, him = swap.him;
  if (her != Vocabulary::kUnk && (his != Vocabulary::kUnk || him != Vocabulary::kUnk)) {
    const auto zero = torch::zeros_like(p.select(-1, her));
    const auto pHis = his != Vocabulary::kUnk ? p.select(-1, his) : zero;
    const auto pHim = him != Vocabulary::kUnk ? p.select(-1, him) : zero;
    const auto male = pHis + pHim;
    const auto share = torch::where(male > 0, pHis / male.clamp_min(1e-30), torch::full_like(male, 0.5));
    const auto pHer = p.select(-1, her);
    out.select(-1, her).copy_(male);
    if (his != Vocabulary::kUnk) out.select(-1, his).copy_(pHer * share);
    if (him != Vocabulary::kUnk) out.select(-1, him).copy_(pHer * (1 - share));
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

void distill(WordLm& teacher, WordLm& student, const LmCorpus& corpus, const DistillationOptions& o,
             const LmProgress& progress, const std::atomic<bool>* stop) {
  const auto& methods = distillationMethods();
  if (std::find(methods.begin(), methods.end(), o.method) == methods.end())
    throw InputError("distill.method", "must be kd, cda, perturb or both");
  if (!(o.kdWeight >= 0 && o.kdWeight <= 1)) throw InputError("distill.kd_weight", "must be in [0, 1]");
  if (!(o.temperature > 0)) throw InputError("distill.temperature", "must be > 0");
  const bool cda = o.method == "cda" || o.method == "both", perturb = o.method == "perturb" || o.method == "both";
  // CDA: the swapped copies join the corpus (their own swapped twin is the original).
  const auto rows = cda ? torch::cat({corpus.train, corpus.trainSwapped}) : corpus.train;
  const auto twins = cda ? torch::cat({corpus.trainSwapped, corpus.train}) : corpus.trainSwapped;
  torch::manual_seed(o.training.seed + 1);
  const auto device = deviceOf(student);
  teacher->eval();
  torch::optim::AdamW opt(student->parameters(), torch::optim::AdamWOptions(o.training.lr));
  const double tau = o.temperature;
  for (int epoch = 0; epoch < o.training.epochs; ++epoch) {
    const double loss = epochLoop(student, opt, rows.size(0), o.training, epoch, [&](const torch::Tensor& idx) {
      const auto batch = rows.index_select(0, idx);
      const long width = trimmed(batch).size(1);
      const auto x = batch.narrow(1, 0, width).to(device);
      const auto input = x.narrow(1, 0, width - 1), target = x.narrow(1, 1, width - 1);
      torch::Tensor q;
      {
        torch::NoGradGuard noGrad;
        q = torch::softmax(teacher->forward(input) / tau, -1);
        if (perturb) {
          const auto swappedInput = twins.index_select(0, idx).narrow(1, 0, width - 1).to(device);
          const auto pSwapped = torch::softmax(teacher->forward(swappedInput) / tau, -1);
          q = mixDistributions(q, swapDistribution(pSwapped, corpus.swap), o.mix);
        }
      }
      const auto logits = student->forward(input);
      const auto mask = (target != 0).to(logits.dtype());
      const auto logP = torch::log_softmax(logits / tau, -1);
      const auto kl = (q * (q.clamp_min(1e-30).log() - logP)).sum(-1);
      const auto kd = (kl * mask).sum() / mask.sum() * tau * tau;
      const auto ce = torch::nn::functional::cross_entropy(
          logits.reshape({-1, logits.size(2)}), target.reshape(-1),
          torch::nn::functional::CrossEntropyFuncOptions().ignore_index(0));
      return o.kdWeight * kd + (1 - o.kdWeight) * ce;
    }, stop);
    if (progress) progress("student (" + o.method + ")", epoch + 1, o.training.epochs, loss);
  }
  student->eval();
}

double perplexity(WordLm& model, const torch::Tensor& rows) {
  torch::NoGradGuard noGrad;
  model->eval();
  const auto device = deviceOf(model);
  double nll = 0, tokens = 0;
  for (const auto& idx : epochBatches(rows.size(0), 256, false, 0)) {
    const auto x = trimmed(rows.index_select(0, idx)).to(device);
    nll += nextTokenLoss(model, x, /*sum=*/true).item<double>();
    tokens += (x.narrow(1, 1, x.size(1) - 1) != 0).sum().item<double>();
  }
  return std::exp(nll / std::max(1.0, tokens));
}

namespace {

/// Next-token distribution after the token ids `ids`.
torch::Tensor nextDistribution(WordLm& model, const std::vector<long>& ids) {
  const auto x = torch::tensor(ids, torch::kLong).unsqueeze(0).to(deviceOf(model));
  return torch::softmax(model->forward(x)[0][long(ids.size()) - 1].to(torch::kDouble), -1).cpu();
}

}  // namespace

double occupationDisparity(WordLm& model, const Vocabulary& v, std::vector<PromptPolarity>* detail) {
  torch::NoGradGuard noGrad;
  model->eval();
  const auto mass = [&](const torch::Tensor& p, std::initializer_list<const char*> words) {
    double m = 0;
    for (const char* w : words)
      if (const long id = v.id(w); id != Vocabulary::kUnk) m += p[id].item<double>();
    return m;
  };
  double total = 0;
  long n = 0;
  for (const auto& prompt : occupationPrompts()) {
    const auto p = nextDistribution(model, promptIds(v, prompt.prompt));
    PromptPolarity r{prompt.prompt, prompt.occupation, mass(p, {"she", "her"}), mass(p, {"he", "his", "him"}), 0};
    r.polarity = r.pFemale + r.pMale > 0 ? (r.pFemale - r.pMale) / (r.pFemale + r.pMale) : 0;
    total += std::abs(r.polarity);
    ++n;
    if (detail) detail->push_back(r);
  }
  return n ? total / double(n) : 0;
}

std::string continuePrompt(WordLm& model, const Vocabulary& v, const std::string& prompt, int maxTokens, double topP,
                           uint64_t seed) {
  torch::NoGradGuard noGrad;
  model->eval();
  auto ids = promptIds(v, prompt);
  std::mt19937_64 rng(seed);
  std::string out;
  const long eos = v.id("</s>"), limit = model->options.max_length();
  for (int k = 0; k < maxTokens && long(ids.size()) < limit; ++k) {
    auto p = nextDistribution(model, ids);
    p[Vocabulary::kPad] = 0;
    p[Vocabulary::kUnk] = 0;
    long next;
    if (topP <= 0) {
      next = p.argmax().item<long>();
    } else {  // nucleus: the smallest set of most likely tokens with mass ≥ topP
      const auto sorted = p.sort(0, true);
      const auto values = std::get<0>(sorted), order = std::get<1>(sorted);
      const auto cumulative = values.cumsum(0);
      const long keep = std::max<long>(1, (cumulative < topP * cumulative[-1].item<double>()).sum().item<long>() + 1);
      const auto head = values.narrow(0, 0, keep);
      std::vector<double> w(head.data_ptr<double>(), head.data_ptr<double>() + keep);
      next = order[long(std::discrete_distribution<size_t>(w.begin(), w.end())(rng))].item<long>();
    }
    if (next == eos) break;
    ids.push_back(next);
    out += (out.empty() ? "" : " ") + v.token(next);
  }
  return out;
}

}  // namespace trustlab
