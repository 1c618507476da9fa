// core/inspection: one utterance through a stored classifier, as LIT shows it. The prediction
// with every class's probability; token saliency for the predicted class, as gradient × input
// and as integrated gradients (Sundararajan et al., ICML 2017: IG_t = Σ_d (e − e′)_{t,d} ·
// ∫₀¹ ∂f(e′ + α(e − e′))/∂e_{t,d} dα by the midpoint rule over `steps` points, baseline e′ = 0,
// f the predicted class's log-probability); and the same for its gender-swapped counterfactual.
// IG's completeness (Σ_t IG_t = f(e) − f(e′)) is reported as a gap, its own accuracy check.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "fairness/counterfactual.h"
#include "store/checkpoint.h"
#include "store/run_store.h"

namespace trustlab {

struct TokenAttribution {
  std::string token;          ///< as the tokenizer gave it
  bool known = true;          ///< in the run's vocabulary (else the model read <unk>)
  long begin = -1, end = -1;  ///< byte range in the text (-1: the tokenizer rewrote it)
  double gradientTimesInput = 0;
  double integratedGradients = 0;
};

struct Prediction {
  std::string text;
  std::vector<double> probabilities;  ///< per class, in the run's label order
  long predicted = 0;                 ///< the most probable class
  std::vector<TokenAttribution> tokens;  ///< with saliency only (and only the tokens the model read)
  double completenessGap = 0;  ///< |Σ IG − (f(e) − f(0))|: small when `steps` suffice
};

struct InspectOptions {
  bool saliency = true;
  bool counterfactual = true;
  int steps = 256;  ///< integrated-gradients points (the error of the sum falls as 1/steps)
};

struct Inspection {
  Prediction original;
  std::optional<Prediction> counterfactual;  ///< none when the text names no gendered word
  std::vector<WordSwap> swaps;
};

class ModelInspector {
 public:
  explicit ModelInspector(Checkpoint checkpoint);
  /// Run `runId`'s checkpoint; InputError naming the run when it has none (unfinished, or trained
  /// without a store's artifacts).
  static ModelInspector forRun(const RunStore& store, long long runId);

  const std::vector<std::string>& labels() const { return checkpoint_.labels; }
  const ExperimentSpec& spec() const { return checkpoint_.spec; }
  /// InputError whose field is "text" when it is empty or holds no token, "steps" when < 1.
  Prediction predict(const std::string& text, bool saliency, int steps = 256) const;
  Inspection inspect(const std::string& text, const InspectOptions& options = {}) const;
  /// Up to `count` test examples of the run's dataset (to pick an utterance from); InputError
  /// naming the dataset when it cannot be read here.
  std::vector<Example> testExamples(size_t count) const;

 private:
  Checkpoint checkpoint_;
  GenderSwapper swapper_;
};

/// Where each token lies in `text`: searched left to right, ignoring ASCII case; {-1, -1} for a
/// token the text does not hold as such (a tokenizer that rewrites, e.g. characters with "▁").
std::vector<std::pair<long, long>> tokenOffsets(const std::string& text, const std::vector<std::string>& tokens);

}  // namespace trustlab
