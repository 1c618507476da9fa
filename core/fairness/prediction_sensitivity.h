// core/fairness: accumulated prediction sensitivity (Krishna et al., ACL 2022), in the working form
// of ../shared/docs/fairness.md §3: PS(x) = |wᵀ J_f(e) v(e)| on the token vectors e of x, with w
// one-hot on the predicted class and v = |∂g/∂e| (unit L1 per example) from a protected-status
// model g trained on the same representation (logistic regression on the mean token vector).
// APS is the mean PS. The paper's exact normalisation is unverified; the form here is the one
// the reference notes give, checked against the analytic Jacobian of a linear model.
#pragma once
#include <torch/types.h>

#include <vector>

#include "data/batching.h"
#include "models/text_classifier.h"

namespace trustlab {

struct ProtectedStatusModel {
  torch::Tensor weight, bias;  ///< P(protected | x) = σ(weight · mean(e) + bias)
  double accuracy = 0;         ///< on the rows it was trained on
  long examples = 0;
};

/// Fits g on the rows of `split` whose `protectedLabel` is 0 or 1 (−1: unknown, skipped).
/// Throws InputError when either class is missing.
ProtectedStatusModel trainProtectedStatus(TextClassifierImpl& model, const EncodedSplit& split,
                                          const std::vector<int>& protectedLabel, const torch::Device& device,
                                          int steps = 300);

/// g's accuracy on the rows of `split` whose label is 0 or 1 (NaN when there are none).
double protectedStatusAccuracy(TextClassifierImpl& model, const ProtectedStatusModel& g, const EncodedSplit& split,
                               const std::vector<int>& protectedLabel, const torch::Device& device);

/// PS of every row of `split` (model in eval mode).
std::vector<double> predictionSensitivity(TextClassifierImpl& model, const ProtectedStatusModel& g,
                                          const EncodedSplit& split, const torch::Device& device, long batch = 128);

}  // namespace trustlab
