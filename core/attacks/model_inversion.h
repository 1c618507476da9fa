// core/attacks: ModIvA-style white-box canary extraction (Parikh et al., ACL 2022). The attacker
// knows the canary's prefix, its intent and the secret's format; each secret position becomes a
// Gumbel-softmax relaxed distribution over the alphabet whose expected embedding is fed to the
// model, optimised by gradient ascent on log p(intent), then read off by argmax.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "attacks/canary_exposure.h"

namespace trustlab {

struct InversionOptions {
  int steps = 200;
  int restarts = 8;         ///< independent starts optimised together; the best-scoring one wins
  double lr = 0.1;
  double startTemperature = 1.0, endTemperature = 0.1;  ///< annealed geometrically
};

struct InversionResult {
  std::vector<long> recovered;  ///< token ids, one per secret position
  double tokensRecovered = 0;   ///< fraction of positions equal to the true secret
  bool extracted = false;       ///< every position right
};

InversionResult invertCanary(TextClassifierImpl& model, const EncodedCanary& canary, const torch::Device& device,
                             uint64_t seed, const InversionOptions& options = {});

}  // namespace trustlab
