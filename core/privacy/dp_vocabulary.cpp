#include "privacy/dp_vocabulary.h"

#include <torch/torch.h>

#include <cmath>
#include <memory>

#include "privacy/gaussian_noise.h"
#include "privacy/log_math.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

/// Std of each count's noise: z times the counts' L2 sensitivity √Δ0.
double countStd(const PrivacyConfig& p) { return p.vocabularyNoise * std::sqrt(double(p.vocabularyMaxWords)); }

}  // namespace

std::optional<VocabularyRelease> vocabularyRelease(const PrivacyConfig& p) {
  if (!p.enabled() || p.vocabularyNoise <= 0) return std::nullopt;
  VocabularyRelease r;
  r.phase = {p.vocabularyNoise, 1.0, 1};
  const double words = double(p.vocabularyMaxWords);
  // δ_τ = Δ0·Φ̄((τ − 1)/std), and τ from δ_τ = δ/10 when unset.
  r.threshold = p.vocabularyThreshold > 0
                    ? p.vocabularyThreshold
                    : 1 + countStd(p) * -logmath::normalQuantile(p.delta / 10 / words);
  r.thresholdDelta = words * 0.5 * std::erfc((r.threshold - 1) / (countStd(p) * std::sqrt(2.0)));
  if (!(r.thresholdDelta < p.delta))
    throw InputError("privacy", "τ = " + formatNumber(r.threshold) + " lets a token of one example through with a probability bounded only by δ_τ = " +
                                    formatNumber(r.thresholdDelta) + ", not below δ = " + formatNumber(p.delta) +
                                    ": raise it (0 chooses one)",
                     0, "vocabulary_threshold");
  return r;
}

PrivacyHistory releasesBeforeTraining(const PrivacyConfig& p) {
  if (const auto r = vocabularyRelease(p)) return {r->phase};
  return {};
}

double accountantDelta(const PrivacyConfig& p) {
  const auto r = vocabularyRelease(p);
  return p.delta - (r ? r->thresholdDelta : 0);
}

Vocabulary buildPrivateVocabulary(const std::vector<std::string>& texts, const TokenizerOptions& tokenizer,
                                  const PrivacyConfig& p, uint64_t seed) {
  const auto release = vocabularyRelease(p);
  if (!release) throw std::logic_error("buildPrivateVocabulary: privacy.vocabulary_noise is 0");
  const auto counts = Vocabulary::countTokens(texts, tokenizer, size_t(p.vocabularyMaxWords));
  auto noisy = torch::empty({int64_t(counts.size())}, torch::kDouble);
  auto* c = noisy.data_ptr<double>();
  for (const auto& [token, n] : counts) *c++ = n;
  if (p.secure) {
    // Snapped noise widens the sensitivity a little (privacy/secure_noise.h): draw a little more.
    auto drawn = p;
    drawn.vocabularyNoise = noiseMultiplierBeforeSnapping(p.vocabularyNoise, noisy.numel());
    GaussianNoise(std::make_shared<SecureNoise>()).addTo(noisy, countStd(drawn), 1);
  } else {
    GaussianNoise(seed ^ 0x70cab5eedULL, torch::kCPU).addTo(noisy, countStd(p), 1);
  }
  std::map<std::string, double> noisyCounts;
  c = noisy.data_ptr<double>();
  for (const auto& [token, n] : counts) noisyCounts.emplace_hint(noisyCounts.end(), token, *c++);
  // Only tokens at or above τ are released; the ones below were never seen by the reader.
  return Vocabulary::fromCounts(noisyCounts, tokenizer, std::max(release->threshold, double(tokenizer.minFrequency)));
}

}  // namespace trustlab
