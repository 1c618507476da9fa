#include "models/causal_lm.h"

#include <torch/torch.h>

#include <limits>

#include "util/errors.h"

namespace trustlab {

HfTransformer wordLanguageModel(long vocabularySize, long dim, long layers, long maxLength, long heads, long ffnDim,
                                double dropout) {
  HfConfig c;
  c.modelType = "gpt2";
  c.hiddenSize = dim;
  c.layers = layers;
  c.heads = heads > 0 ? heads : dim % 4 == 0 ? 4 : 1;
  c.intermediateSize = ffnDim > 0 ? ffnDim : 2 * dim;
  c.activation = "gelu_new";
  c.layerNormEps = 1e-5;
  c.maxPositions = maxLength;
  c.vocabSize = vocabularySize;
  c.tiedEmbeddings = true;
  c.hiddenDropout = c.attentionDropout = dropout;
  return HfTransformer(c);
}

TokenLosses nextTokenLosses(HfTransformerImpl& model, const torch::Tensor& ids, const torch::Tensor& lengths) {
  const int64_t B = ids.size(0), T = ids.size(1);
  const auto mask = tokenMask(lengths, T);
  const auto logits = model.body.lmLogits(model.forward(ids, mask)).narrow(1, 0, T - 1);
  const auto targets = ids.narrow(1, 1, T - 1);
  const auto predicted = mask.narrow(1, 1, T - 1).to(logits.scalar_type());
  const auto nll = -torch::log_softmax(logits, -1).gather(2, targets.unsqueeze(2)).squeeze(2);
  return {(nll * predicted).sum(1), predicted.sum(1).view({B})};
}

torch::Tensor samplingDistribution(const torch::Tensor& logits, const GenerationOptions& o) {
  auto scores = logits.to(torch::kFloat64) / o.temperature;
  if (o.topK > 0 && o.topK < scores.size(0)) {
    const auto kth = std::get<0>(scores.topk(o.topK)).min();
    scores = scores.masked_fill(scores < kth, -std::numeric_limits<double>::infinity());
  }
  auto probs = torch::softmax(scores, 0);
  if (o.topP < 1) {
    // Keep the most likely tokens until their mass reaches p (the token that crosses p included).
    const auto [sorted, order] = probs.sort(0, /*descending=*/true);
    const auto before = sorted.cumsum(0) - sorted;
    const auto dropSorted = before >= o.topP;
    const auto drop = torch::zeros_like(dropSorted).scatter(0, order, dropSorted);
    probs = probs.masked_fill(drop, 0);
    probs = probs / probs.sum();
  }
  return probs;
}

std::vector<long> generateTokens(HfTransformerImpl& model, const std::vector<long>& prompt, const GenerationOptions& o) {
  if (prompt.empty()) throw InputError("generation", "the prompt is empty: generation needs at least one token", 0, "prompt");
  if (!(o.temperature >= 0)) throw InputError("generation", "must be ≥ 0", 0, "temperature");
  if (o.topK < 0) throw InputError("generation", "must be ≥ 0", 0, "top_k");
  if (!(o.topP > 0 && o.topP <= 1)) throw InputError("generation", "must be in (0, 1]", 0, "top_p");
  const auto& config = model.body.config();
  if (long(prompt.size()) + o.maxNewTokens > config.maxPositions)
    throw InputError("generation", "the prompt (" + std::to_string(prompt.size()) + " tokens) and " +
                                       std::to_string(o.maxNewTokens) + " new tokens exceed the model's " +
                                       std::to_string(config.maxPositions) + " positions",
                     0, "max_new_tokens");
  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(o.seed);
  const auto device = model.body.wordEmbeddings()->weight.device();
  const auto banned = torch::tensor(std::vector<int64_t>(o.banned.begin(), o.banned.end()), torch::kLong);
  std::vector<long> sequence(prompt.begin(), prompt.end()), added;
  for (int64_t step = 0; step < o.maxNewTokens; ++step) {
    const auto ids = torch::tensor(std::vector<int64_t>(sequence.begin(), sequence.end()), torch::kLong).to(device).unsqueeze(0);
    const auto hidden = model.forward(ids, torch::ones_like(ids, torch::kBool));
    const auto logits = model.body.lmLogits(hidden.select(1, -1)).squeeze(0).cpu().index_fill(
        0, banned, -std::numeric_limits<float>::infinity());
    const long next = o.temperature == 0
                          ? logits.argmax().item<long>()
                          : torch::multinomial(samplingDistribution(logits, o), 1, false, generator).item<long>();
    sequence.push_back(next);
    added.push_back(next);
    if (next == o.stopId) break;
  }
  return added;
}

}  // namespace trustlab
