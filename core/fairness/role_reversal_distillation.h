// core/fairness: counterfactual role-reversal distillation (Gupta et al., Findings of ACL 2022) on
// causal language models of the GPT-2 family (models/hf_transformer.h): a pretrained GPT-2 teacher
// read from a model folder, or a small one trained here on the corpus's words. A smaller student
// learns from it with (a) plain KD, (b) CDA — the corpus plus its gender-swapped copy, (c) teacher-
// prediction perturbation — the teacher's next-token distribution mixed with its distribution on
// the swapped context, read through the swap (p̃(t) = p_T(σ(t) | x̃); "her" takes the mass of both
// "his" and "him", and gives its own back split as the teacher splits his/him), or (d) both. The
// student's loss is α·τ²·KL(q_τ ‖ p_S,τ) + (1 − α)·CE on the corpus, as DistilGPT-2. The mixing
// operators follow ../shared/docs/fairness.md §4 (the paper's exact formulas are unverified).
#pragma once
#include <torch/types.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "fairness/lm_corpus.h"
#include "models/causal_lm.h"

namespace trustlab {

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
  /// α; the rest is the corpus's own next-token loss. 0.7 ≈ DistilBERT's 5 : 2 weighting of the
  /// distillation and language-modelling losses (Sanh et al. 2019).
  double kdWeight = 0.7;
  LmTrainOptions training;
};

using LmProgress = std::function<void(const std::string& phase, int epoch, int epochs, double loss)>;

/// Writes `lm` as a Hugging Face GPT-2 folder that TrustLab's `hf` classifiers, `trustlab-cli model
/// generate` and Hugging Face's GPT2LMHeadModel read back: config.json, model.safetensors and its
/// tokenizer — `pretrainedFolder`'s files when the model came from one, else (empty) the corpus's
/// words as a WordLevel tokenizer.json.
void saveLanguageModel(const HfTransformerImpl& lm, const LmVocabulary& vocabulary, const std::string& pretrainedFolder,
                       const std::string& folder);

/// Trains `model` on the corpus's next-token loss.
void trainLanguageModel(HfTransformerImpl& model, const LmCorpus& corpus, const LmTrainOptions& options,
                        const LmProgress& progress = {}, const std::atomic<bool>* stop = nullptr);
/// Distils `teacher` into `student` with `options.method`. Both must have an LM head over the
/// corpus's vocabulary.
void distill(HfTransformerImpl& teacher, HfTransformerImpl& student, const LmCorpus& corpus,
             const DistillationOptions& options, const LmProgress& progress = {},
             const std::atomic<bool>* stop = nullptr);

/// The swap on next-token distributions: p̃ from the teacher's p on the swapped context.
torch::Tensor swapDistribution(const torch::Tensor& p, const VocabularySwap& swap);
/// Combines p and p̃ (last dimension is the vocabulary) and renormalises.
torch::Tensor mixDistributions(const torch::Tensor& p, const torch::Tensor& swapped, const std::string& mix);

/// exp(mean next-token loss) over the real tokens of `rows`.
double perplexity(HfTransformerImpl& model, const LmRows& rows);

struct PromptPolarity {
  std::string prompt, occupation;
  double pFemale = 0, pMale = 0;  ///< next-token probability of she/her vs he/his/him
  double polarity = 0;            ///< (pFemale − pMale) / (pFemale + pMale)
};
/// Mean |polarity| over the occupation prompts: 0 = no gender preference after any occupation.
double occupationDisparity(HfTransformerImpl& model, const LmVocabulary& vocabulary,
                           std::vector<PromptPolarity>* detail = nullptr);

/// Up to `maxTokens` tokens sampled after `prompt` (nucleus p = topP; topP = 0 is greedy), as text.
std::string continuePrompt(HfTransformerImpl& model, const LmVocabulary& vocabulary, const std::string& prompt,
                           int maxTokens, double topP, uint64_t seed);

}  // namespace trustlab
