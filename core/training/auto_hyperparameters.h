// core/training: the hyperparameters a spec leaves to TrustLab (batch_size, lr, epochs: 0 =
// auto). Without a privacy budget: the usual defaults. With one (the "automates hyperparameter
// tuning" half of eDP-SGD): a large expected batch, the learning rate scaled with it, and the
// epochs that the budget allows at a noise level where DP-SGD still learns well.
#pragma once
#include <string>
#include <vector>

#include "training/train_config.h"

namespace trustlab {

/// Values of auto fields when no budget chooses them: what TrustLab always used.
constexpr long kDefaultBatchSize = 64;
constexpr int kDefaultEpochs = 5;
constexpr double kDefaultLr = 1e-3;

/// One field TrustLab chose: its key in the training section, the value as written in a spec,
/// and why, for the run's log and tags.
struct ChosenHyperparameter {
  std::string field;  ///< "batch_size"
  std::string value;  ///< "512"
  std::string why;    ///< "≈ N/25 rounded to a power of two: ..."
};

/// Fills every auto field of `training` for a training set of `trainExamples` examples and
/// returns what it chose (empty when the spec set them all). Idempotent. `centralBudget`: the
/// privacy budget is spent by these steps (false for federated clients, whose budget is per
/// round, and then only the defaults apply).
std::vector<ChosenHyperparameter> chooseHyperparameters(TrainConfig& training, long trainExamples,
                                                        bool centralBudget = true);

/// "batch_size 512 (…); lr 0.0028 (…)": the choices in one line.
std::string describeChoices(const std::vector<ChosenHyperparameter>& choices);

}  // namespace trustlab
