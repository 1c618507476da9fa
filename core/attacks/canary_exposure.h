// core/attacks: exposure (Carlini et al. 2019) of a planted canary: how far up the true secret
// ranks among every secret of the same format, scored by the model's log-probability of the
// canary's intent. exposure = log2 |R| − log2 rank: 0 for a secret the model ranks last,
// log2 |R| when it ranks first.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "attacks/canaries.h"
#include "models/text_classifier.h"

namespace trustlab {

/// A canary in model terms: the known prefix's ids, the secret's alphabet ids, the class.
struct EncodedCanary {
  std::vector<long> prefix;    ///< token ids of the known part (a pretrained model's [CLS] first)
  std::vector<long> suffix;    ///< token ids after the secret (a pretrained model's [SEP]; usually none)
  std::vector<long> secret;    ///< token ids of the true secret
  std::vector<long> alphabet;  ///< token ids a secret position can take
  long label = 0;
};

struct Exposure {
  double exposure = 0;
  double rank = 1;        ///< 1 = the true secret scores highest (ties count half)
  double candidates = 0;  ///< |R| = alphabet^length
  bool exact = true;      ///< false: rank estimated from uniformly sampled candidates
};

/// Scores for candidate secrets [N, L] (alphabet ids) between prefix and suffix: log p(label | text).
torch::Tensor canaryLogProbabilities(TextClassifierImpl& model, const EncodedCanary& canary,
                                     const torch::Tensor& candidates, const torch::Device& device);

/// Exact when |R| ≤ maxExact, otherwise from `samples` uniform candidates (seeded).
Exposure canaryExposure(TextClassifierImpl& model, const EncodedCanary& canary, const torch::Device& device,
                        uint64_t seed, double maxExact = 1e5, long samples = 20000);

}  // namespace trustlab
