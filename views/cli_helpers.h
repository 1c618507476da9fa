// views: the GUI's helper processes are trustlab-cli copies beside its executable (a federated
// run's other ranks, the processes that train LiRA's shadows), started with RANK and WORLD_SIZE
// as the CLI's own --nproc starts them.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "federated/local_ranks.h"

namespace trustlab {

/// Starts ranks 1..master.worldSize − 1 as `trustlab-cli args… --worker`. InputError naming
/// `field` (what asked for more than one process) when the CLI is not beside the GUI.
std::unique_ptr<LocalRanks> startCliHelpers(std::vector<std::string> args, const Rendezvous& master,
                                            const std::string& field);

}  // namespace trustlab
