// Plugin: predictive parity ("ppv_difference", Chouldechova 2017): the max − min over the gender
// groups of the positive predictive value P(y = c | ŷ = c), one-vs-rest per audited class and
// averaged over classes like the built-in rate metrics. Equal PPV means a positive prediction is
// as reliable for every group; by Chouldechova's result it cannot hold together with equalized
// odds when base rates differ, which is why researchers report both.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "fairness/fairness_metrics.h"
#include "plugins/plugin_api.h"

namespace {

double ppvDifference(const trustlab::FairnessSample& s) {
  return trustlab::meanOverClasses(s, [&](size_t k) {
    const long c = s.classes[k];
    std::map<std::string, std::pair<double, double>> hits;  // group → (true positives, predicted positives)
    for (long r : s.rows) {
      const auto& group = s.scores.group[size_t(r)];
      if (!trustlab::isComparedGroup(group)) continue;
      if (s.scores.predicted[size_t(r)] != c) continue;
      auto& h = hits[group];
      h.second += 1;
      h.first += s.scores.label[size_t(r)] == c;
    }
    double lo = 1, hi = 0;
    for (const auto& [group, h] : hits) lo = std::min(lo, h.first / h.second), hi = std::max(hi, h.first / h.second);
    return hits.size() >= 2 ? hi - lo : std::numeric_limits<double>::quiet_NaN();
  });
}

void registerParts() {
  trustlab::fairnessMetricRegistry().add(
      {"ppv_difference", "predictive parity difference: max − min positive predictive value (Chouldechova 2017)"},
      {ppvDifference});
}

}  // namespace

TRUSTLAB_PLUGIN("Predictive parity", "Chouldechova 2017's positive predictive value gap as a fairness metric",
                registerParts)
