// core/federated: starts the other ranks of a multi-process run on this machine (what torchrun
// does for `trustlab-cli fl --nproc N` and for the GUI) and reaps them. This process is rank 0.
#pragma once
#include <string>
#include <vector>

#include "federated/rendezvous.h"

namespace trustlab {

class LocalRanks {
 public:
  /// Runs `program args…` once for each rank 1..worldSize−1 of `master`, with RANK, WORLD_SIZE,
  /// MASTER_ADDR and MASTER_PORT set in its environment. posix_spawn, not fork: the GUI calls this
  /// from a process with threads. Throws when a rank cannot be started (the started ones are stopped).
  LocalRanks(const std::string& program, const std::vector<std::string>& args, const Rendezvous& master);
  /// Ranks still running (rank 0 failed before waiting) are terminated and reaped.
  ~LocalRanks();
  LocalRanks(const LocalRanks&) = delete;
  LocalRanks& operator=(const LocalRanks&) = delete;

  /// Waits for every rank; throws naming the first that did not exit with status 0.
  void wait();

  /// A TCP port nobody listens on now (for MASTER_PORT; the OS picks it).
  static int freePort();

 private:
  std::vector<int> pids_;  ///< running ranks, rank 1 first
};

}  // namespace trustlab
