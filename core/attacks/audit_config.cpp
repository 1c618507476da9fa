#include "attacks/audit_config.h"

namespace trustlab {

const FieldList<AuditConfig>& auditFields() {
  static const auto f = [] {
    FieldList<AuditConfig> l("audit", "Privacy audit");
    using A = AuditConfig;
    const auto planted = [](const A& a) { return a.canaries > 0; };
    l.add("canaries", &A::canaries, "Canaries",
          "utterances '<prefix> <secret>' planted in training (exposure and inversion audit)").atLeast(0).atMost(1000);
    l.add("canary_repetitions", &A::canaryRepetitions, "Repetitions", "copies of each canary in the training data")
        .atLeast(1).when(planted);
    l.add("canary_prefix", &A::canaryPrefix, "Canary prefix", "the words before the secret").when(planted);
    l.add("canary_length", &A::canaryLength, "Secret length", "tokens in each secret").atLeast(1).atMost(16)
        .when(planted);
    l.add("canary_alphabet", &A::canaryAlphabet, "Secret alphabet", "what the secret's tokens are drawn from")
        .oneOf({{"digits", "0–9"}, {"letters", "a–z"}}).when(planted);
    l.add("canary_intent", &A::canaryIntent, "Canary intent", "the label of every canary (empty: canary k → label k)")
        .when(planted);
    l.add("mia", &A::mia, "Membership attack", "membership inference a sweep runs after training (any run: Runs → Audit)")
        .oneOf({{"none", "no attack"},
                {"loss", "loss-threshold attack (Yeom et al. 2018)"},
                {"lira", "LiRA with shadow models (Carlini et al. 2022)"}});
    l.add("shadows", &A::shadows, "LiRA shadows", "shadow models, each trained with this spec").atLeast(2).atMost(256)
        .when([](const A& a) { return a.mia == "lira"; });
    l.add("audit_examples", &A::auditExamples, "Audit examples", "members scored (and as many non-members)")
        .atLeast(10).when([](const A& a) { return a.mia != "none"; });
    return l;
  }();
  return f;
}

}  // namespace trustlab
