#include "spec/privacy_caveats.h"

#include "privacy/dp_vocabulary.h"
#include "spec/experiment_spec.h"
#include "spec/prepared_data.h"

namespace trustlab {

std::vector<PrivacyCaveat> privacyCaveats(const ExperimentSpec& spec) {
  const auto& p = spec.training.privacy;
  if (!p.enabled() && !(spec.federated.enabled && spec.federated.userDp)) return {};
  std::vector<PrivacyCaveat> caveats;
  if (!p.secure)
    caveats.push_back({"not_secure", "not secure mode",
                       "noise and sampling come from generators seeded by the run: reproducible, but whoever learns "
                       "the seed or enough of the generator's output can predict and subtract the noise, and "
                       "floating-point Gaussian noise has gaps that can reveal the input (Mironov 2012). Fine for "
                       "research; train with privacy.secure (ChaCha20, snapped noise) before releasing a model of "
                       "private data"});
  if (p.enabled() && p.sampling != kSamplingPoisson)
    caveats.push_back({"shuffled_batches", "shuffled batches",
                       "the accountants assume Poisson sampling; for shuffled fixed-size batches the ε shown is not a "
                       "proven bound and the true one can be several times higher (Chua et al. 2024). Use "
                       "privacy.sampling poisson for a guarantee"});
  if (tokenizerFor(spec).pretrained.empty() && !vocabularyRelease(p))
    caveats.push_back({"vocabulary", "vocabulary built without DP",
                       "the vocabulary was built from the private training texts without noise: the words it keeps "
                       "ship with the model and are not covered by ε (a rare name in it says someone wrote it). Use a "
                       "DP vocabulary (privacy.vocabulary_noise) or a pretrained tokenizer's public one "
                       "(data.tokenizer.pretrained)"});
  return caveats;
}

std::string privacyCaveatTag(const std::string& key) { return "privacy.caveat." + key; }

}  // namespace trustlab
