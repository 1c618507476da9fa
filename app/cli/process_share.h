// trustlab-cli: --nproc N for the commands whose work is independent points (sweep, study): this
// process starts N − 1 copies of its command beside it (with --worker), and each process takes
// every N-th point with its share of the cores. They meet only in the run store.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "federated/local_ranks.h"

namespace trustlab::cli {

class Args;

struct ProcessShare {
  int shard = 0, shards = 1;  ///< this process runs the points whose index is shard modulo shards
  int threads = 0;            ///< intra-op threads of each run (0: the machine's)
  bool worker = false;        ///< a copy started by another process: its share only, silently
  std::unique_ptr<LocalRanks> others;  ///< the copies this process started (wait() before reporting)
};

/// From --nproc and --worker of `a`: `command` and `argv` are how this process was asked, re-run by
/// the copies with --worker and the same store. InputError naming --nproc when it is not in 1..256.
ProcessShare shareProcesses(const Args& a, const std::string& command, const std::vector<std::string>& argv,
                            const std::string& storePath);

}  // namespace trustlab::cli
