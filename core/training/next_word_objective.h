// core/training: next-word prediction, the objective of federated keyboard models (Hard et al.
// 2018; Dupuy et al., ICASSP 2022): a causal language model (GPT-2's LM head, models/hf_transformer.h)
// reads each text's tokens and predicts every next one. An example's loss is the mean negative
// log-likelihood of its predicted tokens (a sentence is the unit clipped and counted, whatever its
// length); held out, the token-level loss, perplexity exp(Σ NLL / Σ tokens), and top-1 and top-3
// accuracy of the next token (a keyboard's suggestion strip shows three). Every token after the
// first is predicted, an unknown word (<unk>) as any other.
#pragma once
#include <string>

#include "models/hf_transformer.h"
#include "training/objective.h"

namespace trustlab {

/// How many suggestions top-k accuracy allows, and that metric's key ("top3_accuracy").
constexpr int kNextWordSuggestions = 3;
inline const std::string kTopSuggestionsAccuracy = "top" + std::to_string(kNextWordSuggestions) + "_accuracy";

ObjectivePtr nextWordObjective(std::shared_ptr<HfTransformerImpl> model);

}  // namespace trustlab
