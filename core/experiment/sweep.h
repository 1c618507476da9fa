// core/experiment: sweeps over any declared spec field: a grid (every combination of the axes'
// values) or a random search (draws from each axis' values or range), seeds as replicates of
// every point, and audits run on every point (the base's audit section asks for membership
// inference and canaries; `audits` adds any registered audit, e.g. fairness). An ε axis
// (privacy.target_epsilon, or federated.user_target_epsilon for user-level DP) takes "inf" for
// the non-private run. Runs of a sweep live in the store under experiment "sweep:<name>", named
// by their point, so a sweep resumes after a crash or restart: points already finished and
// audited are not redone.
#pragma once
#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spec/experiment_spec.h"
#include "store/run_store.h"
#include "training/observer.h"

namespace trustlab {

/// Field paths of the two ε a sweep may vary: example-level (DP-SGD) and user-level (DP-FedAvg).
inline constexpr char kExampleEpsilonField[] = "privacy.target_epsilon";
inline constexpr char kUserEpsilonField[] = "federated.user_target_epsilon";

struct SweepAxis {
  std::string field;                ///< a declared field's path ("training.lr", "model.type")
  std::vector<std::string> values;  ///< as written in a spec ("3e-4", "bilstm", "inf" for an ε)
  /// Random search only: a number drawn uniformly (log-uniformly when `logScale`) in [low, high]
  /// instead of one of `values`.
  std::optional<std::pair<double, double>> range;
  bool logScale = false;
};

struct SweepSpec {
  std::string name = "sweep";
  ExperimentSpec base;  ///< its audit section chooses the privacy attacks
  std::vector<SweepAxis> axes;
  std::vector<unsigned long long> seeds = {1};  ///< replicates of every point
  bool random = false;                          ///< random search instead of the full grid
  int samples = 10;                             ///< random search: points drawn
  unsigned long long searchSeed = 0;            ///< random search: the draws' seed
  std::vector<std::string> audits;              ///< auditRegistry() names run on every point too

  /// {"name", "base": spec, "grid": {"training.lr": [..], "privacy.target_epsilon": [.. or "inf"],
  /// "seed": [..]}, "random": {"samples": N, "seed": S, "ranges": {"training.lr": {"low", "high",
  /// "log"}}}, "audits": [..]}. Grid keys "target_epsilon" (the user-level ε for a federated base
  /// with user-level DP), "model" and "dataset" are short for their fields. Throws InputError
  /// naming the file and field.
  static SweepSpec fromJson(const std::string& text, const std::string& where = "sweep");
  static SweepSpec fromFile(const std::string& path);
  /// The same JSON fromJson reads.
  std::string toJson(int indent = 2) const;
  /// Every point's spec is valid, every field and audit known; InputError naming what is not.
  void requireValid(const std::string& where = "sweep") const;
};

struct SweepPoint {
  std::string key;  ///< "field=value;…;seed=N", the run's name in the store
  std::vector<std::pair<std::string, std::string>> settings;  ///< each axis' field and value, in order
  std::string dataset, model;
  double epsilon = std::numeric_limits<double>::infinity();  ///< the point's target ε (∞: not private)
  unsigned long long seed = 0;
  ExperimentSpec spec;
};

/// Grid order: the first axis varies slowest, the seed fastest. Random search: `samples` draws
/// (each with every seed), repeats dropped.
std::vector<SweepPoint> expandSweep(const SweepSpec& sweep);
std::string sweepExperiment(const std::string& sweepName);

struct SweepOptions {
  RunStore* store = nullptr;
  std::string experiment;  ///< where the runs live (a study's "study:<name>"); empty: sweepExperiment(name)
  const std::atomic<bool>* stop = nullptr;
  std::vector<TrainingObserver*> observers;  ///< see each run train
  std::function<void(const SweepPoint&, int index, int total, long long runId, bool reused)> onPointDone;
  std::function<void(const std::string&)> onMessage;
  std::string qtVersion;
  /// Processes sharing one sweep (and its store): this one runs the points whose index is
  /// `shard` modulo `shards`. Each point is its own run, so the runs are those of a serial sweep.
  int shard = 0, shards = 1;
  /// > 0: the intra-op threads of every run whose spec leaves them to the machine (processes
  /// sharing the cores).
  int threads = 0;
};

struct SweepOutcome {
  int ran = 0, reused = 0;
  bool cancelled = false;
  double seconds = 0;
};

/// Runs every point not yet finished and audited; InputError for a bad spec or dataset.
SweepOutcome runSweep(const SweepSpec& sweep, const SweepOptions& options);

/// One cell of the tradeoff table: the runs of a point (all seeds), metrics as mean ± std.
struct SweepCell {
  std::string dataset, model;
  double epsilon = 0;  ///< ∞ for non-private
  /// Every other swept field's value ("training.lr" → "0.001"): not dataset, model, ε or seed.
  std::map<std::string, std::string> settings;
  int runs = 0;
  std::map<std::string, std::pair<double, double>> metrics;  ///< key → (mean, sample std)
  std::vector<long long> runIds;
  double noiseMultiplier = 0;  ///< mean σ the private runs used
  long trainExamples = 0;      ///< training-set size (what q = batch / N is computed from)
};

/// Finished runs of `sweepName` grouped by cell, in dataset, model, settings, decreasing-ε order.
std::vector<SweepCell> summarizeSweep(const RunStore& store, const std::string& sweepName);
/// The same for the sweep runs stored under `experiment` (several sweeps may share one).
std::vector<SweepCell> summarizeExperiment(const RunStore& store, const std::string& experiment);

}  // namespace trustlab
