#include "federated/rendezvous.h"

#include <cstdlib>

#include "util/errors.h"

namespace trustlab {
namespace {

long envLong(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end) throw InputError(std::string("$") + name, "expected an integer, got '" + std::string(v) + "'");
  return x;
}

}  // namespace

Rendezvous Rendezvous::fromEnvironment() {
  Rendezvous r;
  r.worldSize = int(envLong("WORLD_SIZE", 1));
  r.rank = r.worldSize > 1 ? int(envLong("RANK", -1)) : 0;
  if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) r.host = addr;
  r.port = int(envLong("MASTER_PORT", r.port));
  return r;
}

}  // namespace trustlab
