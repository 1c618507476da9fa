// core/audits: WEAT/SEAT (Caliskan et al. 2017; May et al. 2019) on a stored run's token
// embeddings: a word or sentence is the mean of its tokens' vectors (sent-bias's "bow" encoder);
// recorded under fairness/weat/<test>/….
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "audits/audit.h"
#include "fairness/weat.h"

namespace trustlab {

struct WeatAuditOptions {
  long samples = 100000;  ///< permutations when the exact test is too large
  uint64_t seed = 1111;
};

struct EmbeddingWeatReport {
  WeatTest test;
  WeatResult result;
  std::vector<std::string> dropped;  ///< examples with no known token
};

/// WEAT/SEAT of `test` on the run's token embeddings.
EmbeddingWeatReport auditWeat(const AuditedRun& run, const WeatTest& test, const WeatAuditOptions& options = {});

inline constexpr char kWeatAudit[] = "weat";
/// The registry entry. Argument: the test file (sent-bias format), whose name is the scope.
/// Typed options: WeatAuditOptions.
Audit weatAudit();

}  // namespace trustlab
