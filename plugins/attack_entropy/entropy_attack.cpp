// Plugin: the modified-entropy membership attack ("entropy", Song & Mittal 2021, eq. 6):
//   Mentr(p, y) = −(1 − p_y) log p_y − Σ_{i≠y} p_i log(1 − p_i),
// low for confident correct predictions, as a model tends to make on its training examples.
// Unlike the plain prediction entropy it uses the label, so confident mistakes score as
// non-members. Black box, no shadow models.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "audits/membership_audit.h"
#include "plugins/plugin_api.h"
#include "training/metrics.h"

namespace {

// log(0) guard: probabilities are float64 from a softmax, so 1e-30 changes nothing else.
double safeLog(double p) { return std::log(std::max(p, 1e-30)); }

trustlab::MembershipAttackScores entropyAttack(const trustlab::MembershipAttackInput& in) {
  const auto p = trustlab::predictProbabilities(in.target, in.auditSet, 512, in.device);
  const auto labels = in.auditSet.labels.to(torch::kCPU);
  const auto prob = p.accessor<double, 2>();
  const auto y = labels.accessor<int64_t, 1>();
  trustlab::MembershipAttackScores r;
  r.label = "entropy";
  for (int64_t row = 0; row < p.size(0); ++row) {
    double mentr = 0;
    for (int64_t c = 0; c < p.size(1); ++c)
      mentr -= c == y[row] ? (1 - prob[row][c]) * safeLog(prob[row][c]) : prob[row][c] * safeLog(1 - prob[row][c]);
    r.scores.push_back(-mentr);  // higher = more likely a member
  }
  return r;
}

void registerParts() {
  trustlab::membershipAttackRegistry().add({"entropy", "modified prediction entropy (Song & Mittal 2021)"},
                                           {entropyAttack});
}

}  // namespace

TRUSTLAB_PLUGIN("Modified-entropy attack", "Song & Mittal 2021's label-aware entropy membership attack", registerParts)
