// core/privacy: a vocabulary built with differential privacy (privacy.vocabulary_noise > 0), so
// that the words a private model ships with are covered by its ε. Each training example adds 1
// to the counts of its first Δ0 distinct tokens (L2 sensitivity √Δ0); every count gets Gaussian
// noise of std z·√Δ0 and the tokens whose noisy count reaches τ are kept, the most frequent
// first. That is one Gaussian mechanism of noise multiplier z — a phase with q = 1 and one step,
// which the accountant composes with training's — plus, for the tokens only the added example
// has (count 1 with it, absent without), δ_τ = Δ0·Φ̄((τ − 1)/(z√Δ0)) by the union bound
// (Korolova et al. 2009; Gopi et al. 2020, "Differentially private set union"). The accountant
// gets δ − δ_τ, so (ε, δ) stays the whole run's. With τ unset, τ is the one that makes δ_τ = δ/10.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/tokenizer.h"
#include "privacy/dp_config.h"

namespace trustlab {

struct VocabularyRelease {
  GaussianPhase phase;        ///< σ = z, q = 1, one step
  double threshold = 0;       ///< τ
  double thresholdDelta = 0;  ///< δ_τ
};

/// The DP vocabulary's release under `privacy` (none when vocabulary_noise is 0 or DP is off);
/// InputError naming privacy.vocabulary_threshold when δ_τ would leave no δ to the accountant.
std::optional<VocabularyRelease> vocabularyRelease(const PrivacyConfig& privacy);

/// The phases released before training (the DP vocabulary's), composed first by the accountant.
PrivacyHistory releasesBeforeTraining(const PrivacyConfig& privacy);

/// The δ the accountant answers at: privacy.delta less the vocabulary threshold's δ_τ.
double accountantDelta(const PrivacyConfig& privacy);

/// The vocabulary of `texts` under `privacy`'s DP vocabulary (vocabularyRelease must be set): its
/// noise is secure in secure mode, else drawn from `seed`.
Vocabulary buildPrivateVocabulary(const std::vector<std::string>& texts, const TokenizerOptions& tokenizer,
                                  const PrivacyConfig& privacy, uint64_t seed);

}  // namespace trustlab
