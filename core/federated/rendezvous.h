// core/federated: where and as whom a process joins a multi-process federated run — torchrun's
// RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT as plain data (no torch, so light to include).
#pragma once
#include <string>

namespace trustlab {

struct Rendezvous {
  int rank = 0;
  int worldSize = 1;  ///< 1: a single process, nothing to join
  std::string host = "127.0.0.1";
  int port = 29500;

  /// From the environment (WORLD_SIZE unset: a single process); throws InputError naming a
  /// malformed variable.
  static Rendezvous fromEnvironment();
};

}  // namespace trustlab
