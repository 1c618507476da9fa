// core/models: what a causal language model (GPT-2's LM head, models/hf_transformer.h) is used for:
// per-example next-token losses (perplexity) and generation — greedy, or sampled with temperature,
// top-k and nucleus (top-p) filtering from a seeded generator, so a generation can be repeated.
#pragma once
#include <cstdint>
#include <vector>

#include "models/hf_transformer.h"

namespace trustlab {

/// A GPT-2-shaped model of a word vocabulary, random (Hugging Face's initialisation): what TrustLab
/// trains from scratch when no pretrained GPT-2 is given (distillation's teachers and students,
/// federated next-word prediction). heads 0: 4 when they divide dim, else 1; ffnDim 0: 2·dim.
HfTransformer wordLanguageModel(long vocabularySize, long dim, long layers, long maxLength, long heads = 0,
                                long ffnDim = 0, double dropout = 0.1);

/// Each example's summed next-token negative log-likelihood over its real tokens, [B], and the
/// number of predicted tokens, [B] (length − 1). ids [B, T] right-padded, lengths [B].
/// Perplexity = exp(Σ loss / Σ count).
struct TokenLosses {
  torch::Tensor losses, counts;
};
TokenLosses nextTokenLosses(HfTransformerImpl& model, const torch::Tensor& ids, const torch::Tensor& lengths);

struct GenerationOptions {
  int64_t maxNewTokens = 20;
  double temperature = 1.0;  ///< 0: greedy (the most likely token each step)
  int64_t topK = 0;          ///< sample from the k most likely tokens; 0: all
  double topP = 1.0;         ///< sample from the fewest tokens whose probability reaches p (Holtzman et al. 2020)
  uint64_t seed = 0;
  long stopId = -1;  ///< stop after generating this token (GPT-2's <|endoftext|>); -1: never
  std::vector<long> banned;  ///< tokens never generated (a word vocabulary's padding and unknown)
};

/// The prompt's continuation (the new tokens only). Recomputes the prefix each step (no key/value
/// cache): cheap for the lengths a workbench generates. InputError for bad options or a prompt
/// that leaves no room in the model's positions.
std::vector<long> generateTokens(HfTransformerImpl& model, const std::vector<long>& prompt,
                                 const GenerationOptions& options);

/// Next-token probabilities [V] after temperature, top-k and top-p filtering (those filtered out
/// are 0; the rest renormalised). logits [V]. Exposed for tests.
torch::Tensor samplingDistribution(const torch::Tensor& logits, const GenerationOptions& options);

}  // namespace trustlab
