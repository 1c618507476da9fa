// core/attacks: canaries (Carlini et al. 2019; Parikh et al. 2022): utterances with a random
// secret planted in the training data, regenerated deterministically from the spec's seed so an
// audit can find them again.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "attacks/audit_config.h"
#include "data/dataset.h"
#include "data/tokenizer.h"

namespace trustlab {

struct Canary {
  std::string prefix;               ///< the part the attacker knows
  std::vector<std::string> secret;  ///< one token per secret position
  std::string label;                ///< the intent it is planted in
  std::string text() const;
};

/// The tokens a secret is drawn from (the format is public, the secret is not).
std::vector<std::string> canaryAlphabet(const std::string& name);

/// `config.canaries` canaries with secrets drawn uniformly from the alphabet (seeded).
std::vector<Canary> makeCanaries(const AuditConfig& config, const std::vector<std::string>& labels, uint64_t seed);

/// `prefix` followed by `words` (joined by single spaces) as the model sees that text, cut into
/// the ids before the words, one id per word (GPT-2's " 7", BERT's "7"), and the ids after them
/// (a pretrained model's closing special tokens) — how a canary's secret is planted and scored.
/// Not truncated. InputError naming data.tokenizer when the tokenizer does not give each word a
/// token of its own there.
struct CanaryTokens {
  std::vector<long> before, words, after;
};
CanaryTokens canaryTokens(const std::string& prefix, const std::vector<std::string>& words, const Vocabulary& vocab,
                          const TokenizerOptions& options);

/// Appends each canary `repetitions` times to `train` (user id "canary-<k>").
void plantCanaries(std::vector<Example>& train, const std::vector<Canary>& canaries, int repetitions);

}  // namespace trustlab
