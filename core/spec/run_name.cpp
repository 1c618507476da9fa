#include "spec/run_name.h"

#include <set>
#include <sstream>

#include "spec/experiment_spec.h"
#include "spec/spec_fields.h"

namespace trustlab {
namespace {

std::string number(double v) {
  std::ostringstream out;
  out << v;  // shortest of %g: 3, 0.5, 1e-05
  return out.str();
}

/// A value as a name shows it: a path by its file name, a real without trailing zeros.
std::string shortValue(const FieldValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return number(*d);
  std::string s = formatFieldValue(v);
  if (const auto slash = s.find_last_of('/'); slash != std::string::npos && slash + 1 < s.size()) s = s.substr(slash + 1);
  return s;
}

}  // namespace

std::string defaultRunName(const ExperimentSpec& spec) {
  const ExperimentSpec defaults;
  if (!spec.name.empty() && spec.name != defaults.name) return spec.name;
  std::vector<std::string> words{spec.model.type};
  // Fields the headline words already say, and the seed, which goes last.
  std::set<std::string> said{"name", "model.type", "privacy.mode", "privacy.target_epsilon", "privacy.noise_multiplier",
                             "federated.enabled", "federated.algorithm", "federated.partition", "training.seed"};
  const auto& p = spec.training.privacy;
  if (p.enabled())
    words.push_back(p.mode + (p.targetEpsilon > 0 ? " ε=" + number(p.targetEpsilon) : " σ=" + number(p.noiseMultiplier)));
  if (spec.federated.enabled) words.push_back("fl " + spec.federated.algorithm + " " + spec.federated.partition);

  std::vector<std::string> differing;
  for (const auto& f : specFields()) {
    if (said.count(f.path()) || !f.appliesTo(spec)) continue;
    const FieldValue value = f.get(spec);
    if (value != f.get(defaults)) differing.push_back(f.info.key + "=" + shortValue(value));
  }
  const size_t shown = std::min<size_t>(differing.size(), 2);
  words.insert(words.end(), differing.begin(), differing.begin() + long(shown));
  if (differing.size() > shown) words.push_back("+" + std::to_string(differing.size() - shown) + " more");
  if (spec.training.seed != defaults.training.seed) words.push_back("seed " + std::to_string(spec.training.seed));

  std::string name;
  for (const auto& w : words) name += (name.empty() ? "" : " ") + w;
  return name;
}

}  // namespace trustlab
