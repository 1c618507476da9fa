// core/attacks: the likelihood-ratio attack (Carlini et al. 2022) from shadow-model statistics.
// For each example, the target model's confidence is compared with Gaussians fitted to the
// confidences of shadows trained with it (IN) and without it (OUT).
#pragma once
#include <vector>

namespace trustlab {

struct LiraOptions {
  bool online = true;          ///< IN and OUT Gaussians; offline uses OUT only (one-sided test)
  bool fixedVariance = false;  ///< one variance per side over all examples (better with few shadows)
};

/// target[i]: the target's confidence on example i; shadow[k][i]: shadow k's; in[k][i]: whether
/// example i was in shadow k's training set. Returns a score per example, higher = member.
std::vector<double> liraScores(const std::vector<double>& target, const std::vector<std::vector<double>>& shadow,
                               const std::vector<std::vector<bool>>& in, const LiraOptions& options);

}  // namespace trustlab
