// core/fairness: counterfactual role-reversal distillation (Gupta et al., Findings of ACL 2022) on
// word-level language models. A teacher LM is trained on a corpus; a smaller student learns from
// it with (a) plain KD, (b) CDA — the corpus plus its gender-swapped copy, (c) teacher-prediction
// perturbation — the teacher's next-token distribution mixed with its distribution on the swapped
// context, read through the swap (p̃(t) = p_T(σ(t) | x̃); "her" takes the mass of both "his" and
// "him", and gives its own back split as the teacher splits his/him), or (d) both. The student's
// loss is α·τ²·KL(q_τ ‖ p_S,τ) + (1 − α)·CE on the corpus, as DistilGPT-2. The mixing operators
// follow ../shared/docs/fairness.md §4 (the paper's exact formulas are unverified).
#pragma once
#include <torch/types.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "data/tokenizer.h"
#include "fairness/counterfactual.h"
#include "models/word_lm.h"

namespace trustlab {

/// The swap on a vocabulary: σ(t) for every token with a mutual partner (identity otherwise) and
/// the ids of her/his/him, whose three-way swap is not a permutation. Built once per vocabulary.
struct VocabularySwap {
  torch::Tensor sigma;  ///< [V] int64
  long her = Vocabulary::kUnk, his = Vocabulary::kUnk, him = Vocabulary::kUnk;
};
VocabularySwap vocabularySwap(const Vocabulary& vocabulary, const GenderSwapper& swapper);

/// Sentences as <s> w1 … wn </s> rows of token ids, padded with 0; a seeded train/valid split.
struct LmCorpus {
  Vocabulary vocabulary;
  torch::Tensor train, valid;  ///< [N, T] int64
  torch::Tensor trainSwapped;  ///< each train row gender-swapped (equal to it when nothing swaps)
  VocabularySwap swap;         ///< the same swap on next-token distributions
};
LmCorpus buildLmCorpus(const std::vector<std::string>& sentences, const GenderSwapper& swapper, long maxLength = 32,
                       double validFraction = 0.1, uint64_t seed = 1);

/// kd, cda, perturb, both — in that order.
const std::vector<std::string>& distillationMethods();

struct LmTrainOptions {
  int epochs = 6;
  long batchSize = 64;
  double lr = 3e-3;
  uint64_t seed = 1;
};

struct DistillationOptions {
  std::string method = "kd";  ///< kd | cda | perturb | both
  std::string mix = "mean";   ///< mean | max | expmean (how p and p̃ combine)
  double temperature = 1.0;
  double kdWeight = 0.5;      ///< α; the rest is the corpus's own next-token loss
  LmTrainOptions training;
};

using LmProgress = std::function<void(const std::string& phase, int epoch, int epochs, double loss)>;

/// Trains `model` on the corpus's next-token loss.
void trainLanguageModel(WordLm& model, const LmCorpus& corpus, const LmTrainOptions& options,
                        const LmProgress& progress = {}, const std::atomic<bool>* stop = nullptr);
/// Distils `teacher` into `student` with `options.method`.
void distill(WordLm& teacher, WordLm& student, const LmCorpus& corpus, const DistillationOptions& options,
             const LmProgress& progress = {}, const std::atomic<bool>* stop = nullptr);

/// The swap on next-token distributions: p̃ from the teacher's p on the swapped context.
torch::Tensor swapDistribution(const torch::Tensor& p, const VocabularySwap& swap);
/// Combines p and p̃ (last dimension is the vocabulary) and renormalises.
torch::Tensor mixDistributions(const torch::Tensor& p, const torch::Tensor& swapped, const std::string& mix);

/// exp(mean next-token loss) over the real tokens of `rows`.
double perplexity(WordLm& model, const torch::Tensor& rows);

struct PromptPolarity {
  std::string prompt, occupation;
  double pFemale = 0, pMale = 0;  ///< next-token probability of she/her vs he/his/him
  double polarity = 0;            ///< (pFemale − pMale) / (pFemale + pMale)
};
/// Mean |polarity| over the occupation prompts: 0 = no gender preference after any occupation.
double occupationDisparity(WordLm& model, const Vocabulary& vocabulary, std::vector<PromptPolarity>* detail = nullptr);

/// Up to `maxTokens` words sampled after `prompt` (nucleus p = topP; topP = 0 is greedy).
std::string continuePrompt(WordLm& model, const Vocabulary& vocabulary, const std::string& prompt, int maxTokens,
                           double topP, uint64_t seed);

}  // namespace trustlab
