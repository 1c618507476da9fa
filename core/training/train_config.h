// core/training: hyperparameters of one training run (the "training" section of a spec) and
// their declared fields.
#pragma once
#include <string>

#include "config/fields.h"
#include "privacy/dp_config.h"

namespace trustlab {

struct TrainConfig {
  std::string objective = "classify"; ///< an objectiveRegistry() name: what the model learns
  std::string optimizer = "adam";    ///< an optimizerRegistry() name
  double lr = 0;                     ///< 0 = auto (training/auto_hyperparameters.h)
  double weightDecay = 0;
  double momentum = 0.9;             ///< SGD only
  std::string schedule = "constant"; ///< a scheduleRegistry() name
  long warmupSteps = 0;              ///< linear warm-up before the schedule
  int epochs = 0;                    ///< 0 = auto
  long maxSteps = 0;                 ///< > 0: stop after this many steps (overrides epochs)
  long batchSize = 0;                ///< 0 = auto
  long evalEvery = 0;                ///< evaluate every N steps; 0 = once per epoch
  long logEvery = 10;                ///< log running train loss/accuracy every N steps
  int earlyStoppingPatience = 0;     ///< evaluations without valid-accuracy gain; 0 = off
  bool restoreBest = true;           ///< end with the best-valid parameters (false: the last ones)
  double gradClipNorm = 0;           ///< global gradient-norm clipping; 0 = off (not DP clipping)
  bool lengthBucketing = false;      ///< non-private: batches of similar lengths (data/batching.h)
  unsigned long long seed = 42;
  std::string device = "cpu";
  int threads = 0;                   ///< 0 = all hardware threads
  PrivacyConfig privacy;             ///< off unless mode is edp/naive (its own section)
};

/// The "training" section's fields (privacy has its own: privacyFields()).
const FieldList<TrainConfig>& trainingFields();

}  // namespace trustlab
