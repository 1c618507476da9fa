#include "privacy/dp_config.h"

#include "privacy/accountant.h"
#include "privacy/per_example_clipping.h"

namespace trustlab {

const FieldList<PrivacyConfig>& privacyFields() {
  static const auto f = [] {
    FieldList<PrivacyConfig> l("privacy", "Privacy (eDP-SGD)");
    using P = PrivacyConfig;
    l.add("mode", &P::mode, "DP-SGD", "differentially private training")
        .oneOf({{kPrivacyOff, "not private"},
                {kPrivacyEdp, "eDP-SGD: per-example clipping at about the cost of plain training"},
                {kPrivacyNaive, "the textbook algorithm, one example at a time (a slow reference)"}}).flag("dp");
    l.gate([](const P& p) { return p.enabled(); });
    l.add("target_epsilon", &P::targetEpsilon, "Target ε", "> 0: σ is calibrated to spend exactly this ε by the end")
        .atLeast(0).note("0 = use noise_multiplier");
    l.add("noise_multiplier", &P::noiseMultiplier, "Noise σ", "noise std divided by the clip bound C").atLeast(0)
        .when([](const P& p) { return p.targetEpsilon <= 0; });
    l.add("delta", &P::delta, "δ", "the δ of (ε, δ)-DP, e.g. 1e-5 (below 1/N)").above(0).below(1);
    l.add("clip", &P::clipNorm, "Clip C", "per-example gradient norm bound").above(0).flag("");
    l.add("clipping", &P::clipping, "Clipping", "how per-example gradients are bounded")
        .choices(clippingModeRegistry());
    l.add("sampling", &P::sampling, "Sampling", "how batches are drawn")
        .oneOf({{kSamplingPoisson, "each example joins a batch independently with q = B/N (what the accountant assumes)"},
                {kSamplingShuffle, "fixed-size batches of a shuffled epoch (the reported ε is then not a guarantee)"}});
    l.add("accountant", &P::accountant, "Accountant", "how ε is computed (live, in the ledger, for calibration)")
        .choices(accountantRegistry());
    l.add("secure", &P::secure, "Secure mode", "noise and sampling from ChaCha20 under a kernel key, snapped against floating-point attacks (not reproducible)");
    l.add("max_physical_batch", &P::maxPhysicalBatch, "Physical batch",
          "larger logical batches are processed in chunks of this size").atLeast(1);
    l.add("adaptive_clipping", &P::adaptiveClipping, "Adaptive clipping",
          "C follows a quantile of the per-example norms (Andrew et al. 2021)");
    const auto adaptive = [](const P& p) { return p.adaptiveClipping; };
    l.add("target_quantile", &P::targetQuantile, "Target quantile", "the norm quantile C follows").above(0).below(1)
        .when(adaptive);
    l.add("clip_learning_rate", &P::clipLearningRate, "Clip learning rate", "geometric step of C per update")
        .atLeast(0).when(adaptive);
    l.add("count_noise_multiplier", &P::countNoiseMultiplier, "Count noise σ",
          "noise of the private count of unclipped examples").atLeast(0).note("0 = expected batch / 20").when(adaptive);
    const auto dpVocabulary = [](const P& p) { return p.vocabularyNoise > 0; };
    l.add("vocabulary_noise", &P::vocabularyNoise, "Vocabulary noise z",
          "> 0: the vocabulary is built with DP (noisy token counts above a threshold), its ε composed with "
          "training's").atLeast(0).note("0 = vocabulary from the private texts without DP (a caveat)");
    l.add("vocabulary_max_words", &P::vocabularyMaxWords, "Vocabulary words per example",
          "Δ0: distinct tokens one example adds to the counts (its first ones)").atLeast(1).when(dpVocabulary);
    l.add("vocabulary_threshold", &P::vocabularyThreshold, "Vocabulary threshold τ",
          "a token is kept when its noisy count reaches τ").atLeast(0)
        .note("0 = the τ at which thresholding adds δ/10").when(dpVocabulary);
    return l;
  }();
  return f;
}

}  // namespace trustlab
