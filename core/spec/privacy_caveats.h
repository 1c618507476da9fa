// core/spec: what a reader of a private run's ε must know that ε does not say — the run's noise is
// not from secure mode, its batches are shuffled rather than Poisson-sampled, or its vocabulary
// was built from the private texts without DP. The runner records each as a privacy.caveat.<key>
// tag; the CLI prints them, the GUI's run inspector shows them beside ε.
#pragma once
#include <string>
#include <vector>

namespace trustlab {

struct ExperimentSpec;

struct PrivacyCaveat {
  std::string key;      ///< "not_secure", "shuffled_batches", "vocabulary"
  std::string summary;  ///< a few words, for a table cell
  std::string meaning;  ///< what it means for the privacy claim, and what to do about it
};

/// The caveats of `spec` (none for a run without DP).
std::vector<PrivacyCaveat> privacyCaveats(const ExperimentSpec& spec);

/// The store tag of a caveat: "privacy.caveat." + key.
std::string privacyCaveatTag(const std::string& key);

}  // namespace trustlab
