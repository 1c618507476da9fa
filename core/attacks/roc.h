// core/attacks: how well a membership score separates members from non-members: the ROC curve
// (every threshold), its area, TPR at a fixed low FPR, and the membership advantage.
#pragma once
#include <vector>

namespace trustlab {

/// Points from (0, 0) to (1, 1), one per distinct score (ties move together), higher score =
/// "member". threshold[i] is the score at or above which point i says member.
struct RocCurve {
  std::vector<double> fpr, tpr, threshold;
  long members = 0, nonMembers = 0;
};

RocCurve rocCurve(const std::vector<double>& scores, const std::vector<bool>& isMember);
/// Trapezoidal area (ties count one half, as the Mann–Whitney statistic).
double rocAuc(const RocCurve& roc);
/// The highest TPR among thresholds whose FPR ≤ maxFpr (LiRA's reporting convention).
double tprAtFpr(const RocCurve& roc, double maxFpr);
/// max over thresholds of TPR − FPR (Yeom et al.): 0 for a blind attacker.
double membershipAdvantage(const RocCurve& roc);

}  // namespace trustlab
