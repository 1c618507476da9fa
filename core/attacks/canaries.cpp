#include "attacks/canaries.h"

#include <algorithm>
#include <random>

#include "util/errors.h"

namespace trustlab {

std::string Canary::text() const {
  std::string t = prefix;
  for (const auto& s : secret) t += " " + s;
  return t;
}

std::vector<std::string> canaryAlphabet(const std::string& name) {
  std::vector<std::string> out;
  if (name == "digits")
    for (char c = '0'; c <= '9'; ++c) out.emplace_back(1, c);
  else if (name == "letters")
    for (char c = 'a'; c <= 'z'; ++c) out.emplace_back(1, c);
  else
    throw InputError("audit.canary_alphabet", "must be digits or letters");
  return out;
}

std::vector<Canary> makeCanaries(const AuditConfig& config, const std::vector<std::string>& labels, uint64_t seed) {
  if (config.canaries <= 0) return {};
  if (labels.empty()) throw InputError("audit.canaries", "the dataset has no labels to plant canaries in");
  if (!config.canaryIntent.empty() && std::find(labels.begin(), labels.end(), config.canaryIntent) == labels.end())
    throw InputError("audit.canary_intent", "'" + config.canaryIntent + "' is not a label of the dataset");
  const auto alphabet = canaryAlphabet(config.canaryAlphabet);
  std::mt19937_64 rng(seed ^ 0xca9a97ULL);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::vector<Canary> out;
  for (int k = 0; k < config.canaries; ++k) {
    // Without a chosen intent, canaries go to different intents: sharing one, their secrets'
    // tokens would all point to it and no secret could stand out from the others.
    Canary c{config.canaryPrefix, {}, config.canaryIntent.empty() ? labels[size_t(k) % labels.size()] : config.canaryIntent};
    for (int i = 0; i < config.canaryLength; ++i) c.secret.push_back(alphabet[pick(rng)]);
    out.push_back(std::move(c));
  }
  return out;
}

void plantCanaries(std::vector<Example>& train, const std::vector<Canary>& canaries, int repetitions) {
  for (size_t k = 0; k < canaries.size(); ++k)
    for (int r = 0; r < repetitions; ++r)
      train.push_back(Example{canaries[k].text(), canaries[k].label, "canary-" + std::to_string(k)});
}

}  // namespace trustlab
