// core/experiment: sweeps, a grid of runs over privacy targets (ε = ∞ is the non-private run),
// seeds, models and datasets, each followed by the audits its spec asks for. Runs of a sweep live
// in the store under experiment "sweep:<name>", named by their grid point, so a sweep resumes
// after a crash or restart: points already finished and audited are not redone.
#pragma once
#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "spec/experiment_spec.h"
#include "store/run_store.h"
#include "training/observer.h"

namespace trustlab {

struct SweepSpec {
  std::string name = "sweep";
  ExperimentSpec base;                 ///< its audit section chooses the attacks
  std::vector<double> epsilons = {std::numeric_limits<double>::infinity()};  ///< ∞ = privacy off
  std::vector<unsigned long long> seeds = {1};
  std::vector<std::string> models, datasets;  ///< empty = the base's

  /// {"name", "base": spec, "grid": {"target_epsilon": [.. or "inf"], "seed": [..], "model": [..],
  /// "dataset": [..]}}; throws InputError naming the file and field.
  static SweepSpec fromJson(const std::string& text, const std::string& where = "sweep");
  static SweepSpec fromFile(const std::string& path);
  /// The same JSON fromJson reads (ε = ∞ written as "inf").
  std::string toJson(int indent = 2) const;
};

struct SweepPoint {
  std::string key;  ///< "dataset=…;model=…;epsilon=…;seed=…", the run's name in the store
  std::string dataset, model;
  double epsilon = 0;
  unsigned long long seed = 0;
  ExperimentSpec spec;
};

std::vector<SweepPoint> expandSweep(const SweepSpec& sweep);
std::string sweepExperiment(const std::string& sweepName);

struct SweepOptions {
  RunStore* store = nullptr;
  const std::atomic<bool>* stop = nullptr;
  std::vector<TrainingObserver*> observers;  ///< see each run train
  std::function<void(const SweepPoint&, int index, int total, long long runId, bool reused)> onPointDone;
  std::function<void(const std::string&)> onMessage;
  std::string qtVersion;
};

struct SweepOutcome {
  int ran = 0, reused = 0;
  bool cancelled = false;
  double seconds = 0;
};

/// Runs every point not yet finished and audited; InputError for a bad spec or dataset.
SweepOutcome runSweep(const SweepSpec& sweep, const SweepOptions& options);

/// One cell of the tradeoff table: the runs of a (dataset, model, ε), metrics as mean ± std.
struct SweepCell {
  std::string dataset, model;
  double epsilon = 0;  ///< ∞ for non-private
  int runs = 0;
  std::map<std::string, std::pair<double, double>> metrics;  ///< key → (mean, sample std)
  std::vector<long long> runIds;
  double noiseMultiplier = 0;  ///< mean σ the private runs used
  long trainExamples = 0;      ///< training-set size (what q = batch / N is computed from)
};

/// Finished runs of `sweepName` grouped by cell, in dataset, model, decreasing-ε order.
std::vector<SweepCell> summarizeSweep(const RunStore& store, const std::string& sweepName);

}  // namespace trustlab
