// core/plots: parallel coordinates (Inselberg 1985) of runs, as MLflow's and W&B's compare pages
// draw them: one vertical axis per setting that differs and per metric, each run a line across.
// Every axis is scaled to [0, 1] over the runs' values; a metric where lower is better is flipped,
// so that up is always better; a text setting spreads its distinct values evenly.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "store/run_comparison.h"

namespace trustlab {

struct ParallelAxis {
  std::string key;                      ///< "training.lr", "test/accuracy"
  bool metric = false;                  ///< a metric (else a setting)
  bool flipped = false;                 ///< lower is better: drawn upside down
  double low = 0, high = 0;             ///< numbers: the values at the bottom and top of the axis
  std::vector<std::string> categories;  ///< text settings: bottom to top
};

struct ParallelCoordinates {
  std::vector<ParallelAxis> axes;
  std::vector<std::vector<double>> lines;  ///< per run, per axis: position in [0, 1] (NaN: no value)
};

/// The runs of `comparison` over its differing settings (at most `maxSettings`) and `metrics`
/// (those some run has); `lowerIsBetter` says which metrics to flip.
ParallelCoordinates parallelCoordinates(const RunComparison& comparison, const std::vector<std::string>& metrics,
                                        const std::function<bool(const std::string&)>& lowerIsBetter,
                                        size_t maxSettings = 8);

}  // namespace trustlab
