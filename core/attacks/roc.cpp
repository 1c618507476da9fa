#include "attacks/roc.h"

#include <algorithm>
#include <numeric>

#include "util/errors.h"

namespace trustlab {

RocCurve rocCurve(const std::vector<double>& scores, const std::vector<bool>& isMember) {
  if (scores.size() != isMember.size()) throw std::invalid_argument("rocCurve: scores and labels differ in size");
  RocCurve roc;
  for (bool m : isMember) (m ? roc.members : roc.nonMembers)++;
  if (roc.members == 0 || roc.nonMembers == 0)
    throw InputError("membership audit", "needs both members and non-members to score");
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  roc.fpr.push_back(0);
  roc.tpr.push_back(0);
  roc.threshold.push_back(order.empty() ? 0 : scores[order[0]] + 1);
  long tp = 0, fp = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    (isMember[order[i]] ? tp : fp)++;
    if (i + 1 < order.size() && scores[order[i + 1]] == scores[order[i]]) continue;
    roc.fpr.push_back(double(fp) / double(roc.nonMembers));
    roc.tpr.push_back(double(tp) / double(roc.members));
    roc.threshold.push_back(scores[order[i]]);
  }
  return roc;
}

double rocAuc(const RocCurve& roc) {
  double area = 0;
  for (size_t i = 1; i < roc.fpr.size(); ++i) area += (roc.fpr[i] - roc.fpr[i - 1]) * (roc.tpr[i] + roc.tpr[i - 1]) / 2;
  return area;
}

double tprAtFpr(const RocCurve& roc, double maxFpr) {
  double best = 0;
  for (size_t i = 0; i < roc.fpr.size(); ++i)
    if (roc.fpr[i] <= maxFpr) best = std::max(best, roc.tpr[i]);
  return best;
}

double membershipAdvantage(const RocCurve& roc) {
  double best = 0;
  for (size_t i = 0; i < roc.fpr.size(); ++i) best = std::max(best, roc.tpr[i] - roc.fpr[i]);
  return best;
}

}  // namespace trustlab
