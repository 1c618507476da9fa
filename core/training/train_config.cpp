#include "training/train_config.h"

#include "training/auto_hyperparameters.h"
#include "training/lr_schedule.h"
#include "training/objective.h"
#include "training/optimizers.h"
#include "util/text.h"

namespace trustlab {

const FieldList<TrainConfig>& trainingFields() {
  static const auto f = [] {
    FieldList<TrainConfig> l("training", "Training");
    using T = TrainConfig;
    l.add("objective", &T::objective, "Objective", "what the model learns: the labels, or the texts' next words")
        .choices(objectiveRegistry());
    l.add("optimizer", &T::optimizer, "Optimizer", "the optimizer").choices(optimizerRegistry());
    // 0 = auto: training/auto_hyperparameters.h chooses.
    const auto autoNote = [](const std::string& fallback) {
      return "0 = auto: from the target ε and the data with DP, else " + fallback;
    };
    l.add("lr", &T::lr, "Learning rate", "the optimizer's step size, e.g. 1e-3")
        .atLeast(0).atMost(10).note(autoNote(formatNumber(kDefaultLr)));
    l.add("weight_decay", &T::weightDecay, "Weight decay", "L2 penalty (AdamW: decoupled)").atLeast(0);
    l.add("momentum", &T::momentum, "Momentum", "SGD momentum").atLeast(0).below(1).when([](const T& t) {
      const auto* o = optimizerRegistry().find(t.optimizer);
      return !o || o->momentum;
    });
    l.add("schedule", &T::schedule, "LR schedule", "decay after warm-up").choices(scheduleRegistry());
    l.add("warmup_steps", &T::warmupSteps, "Warm-up steps", "linear warm-up before the schedule").atLeast(0);
    l.add("epochs", &T::epochs, "Epochs", "passes over the training data")
        .atLeast(0).note(autoNote(std::to_string(kDefaultEpochs)));
    l.add("max_steps", &T::maxSteps, "Max steps", "> 0 stops after this many steps, overriding epochs").atLeast(0);
    l.add("batch_size", &T::batchSize, "Batch size", "examples per step (DP: the expected Poisson batch)")
        .atLeast(0).atMost(65536).note(autoNote(std::to_string(kDefaultBatchSize)));
    l.add("eval_every", &T::evalEvery, "Eval every", "evaluate every N steps").atLeast(0).note("0 = once per epoch");
    l.add("log_every", &T::logEvery, "Log every", "log the running train loss/accuracy every N steps").atLeast(1);
    l.add("early_stopping_patience", &T::earlyStoppingPatience, "Early stopping",
          "stop after this many evaluations without a better valid accuracy").atLeast(0).note("0 = off");
    l.add("restore_best", &T::restoreBest, "Restore best", "end with the best-validation parameters");
    l.add("grad_clip", &T::gradClipNorm, "Gradient clip", "global gradient-norm clipping (not DP clipping)")
        .atLeast(0).note("0 = off").when([](const T& t) { return !t.privacy.enabled(); });
    l.add("length_bucketing", &T::lengthBucketing, "Length bucketing",
          "batches of examples of similar length, so that padding does not dominate (each pass still visits "
          "every example once)")
        .when([](const T& t) { return !t.privacy.enabled(); });
    l.add("seed", &T::seed, "Seed", "seeds data order, initialisation, dropout and DP noise").atLeast(0);
    l.add("device", &T::device, "Device", "cpu, cuda or cuda:N").choices([] {
      return std::vector<RegistryItem>{{"cpu", "the processor"}, {"cuda", "the first GPU (cuda:N for another)"}};
    }, true);
    l.add("threads", &T::threads, "Threads", "intra-op threads").atLeast(0).note("0 = all hardware threads");
    return l;
  }();
  return f;
}

}  // namespace trustlab
