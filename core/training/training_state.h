// core/training: the state a stopped or killed run resumes from, saved by Trainer::fit every N
// steps and when stopped. It holds everything the rest of the run depends on, so that resuming
// is exact: parameters and buffers, the optimizer's moments, where the loop was, the unlogged
// window's running sums, the best-validation snapshot and every generator (dropout, Poisson
// sampling, noise; batch order is re-derived from the seed). The learning rate needs nothing:
// the schedule is a function of the step. One file, written beside and renamed over the last,
// so a kill while saving leaves the previous state whole.
#pragma once
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <string>
#include <vector>

#include "training/metrics.h"
#include "training/private_stepper.h"

namespace trustlab {

struct TrainingState {
  long step = 0;             ///< steps trained (the pass and batch follow from it)
  double runningLoss = 0;    ///< sums since the last logged step
  long runningCorrect = 0, runningCount = 0;
  double bestAccuracy = -1;  ///< early stopping and the best-valid snapshot
  int evalsWithoutGain = 0;
  long bestStep = 0;
  EvalResult bestValid;
  std::vector<torch::Tensor> best;           ///< empty before the first evaluation
  std::vector<torch::Tensor> generators;     ///< default generators: CPU, then the device's
  PrivateStepper::State privacy;             ///< private runs
};

/// Writes `state`, `model` and `optimizer` to `path` (via path + ".tmp", then renamed).
/// Throws InputError naming the file when it cannot be written.
void saveTrainingState(const std::string& path, const TrainingState& state, const torch::nn::Module& model,
                       const torch::optim::Optimizer& optimizer);
/// Reads a state saved by saveTrainingState into `model` and `optimizer` (built as for the run,
/// on `device`). Throws InputError naming the file when it is missing, malformed or for another model.
TrainingState loadTrainingState(const std::string& path, torch::nn::Module& model,
                                torch::optim::Optimizer& optimizer, const torch::Device& device);

/// The step of the state saved at `path`; InputError naming the file as loadTrainingState.
long savedStep(const std::string& path);

/// The default generators of the CPU and of `device` (when not the CPU): what dropout draws from.
std::vector<torch::Tensor> defaultGeneratorStates(const torch::Device& device);
void restoreDefaultGenerators(const torch::Device& device, const std::vector<torch::Tensor>& states);

}  // namespace trustlab
