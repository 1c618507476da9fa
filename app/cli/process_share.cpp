#include "process_share.h"

#include <filesystem>

#include "args.h"
#include "util/errors.h"
#include "util/runtime.h"

namespace trustlab::cli {

ProcessShare shareProcesses(const Args& a, const std::string& command, const std::vector<std::string>& argv,
                            const std::string& storePath) {
  ProcessShare s;
  const long nproc = a.getLong("nproc", 1);
  if (nproc < 1 || nproc > 256) throw InputError("--nproc", "must be in 1..256");
  if (a.has("worker")) {  // RANK and WORLD_SIZE were set by the process that started this one
    const auto place = Rendezvous::fromEnvironment();
    s.worker = true;
    s.shard = place.rank;
    s.shards = place.worldSize;
    s.threads = threadsPerProcess(place.worldSize);
    return s;
  }
  if (nproc == 1) return s;
  Rendezvous place;
  place.worldSize = int(nproc);
  std::vector<std::string> args = argv;
  args.insert(args.begin(), command);
  args.push_back("--worker");
  if (!a.has("store")) args.insert(args.end(), {"--store", storePath});
  s.others = std::make_unique<LocalRanks>(std::filesystem::read_symlink("/proc/self/exe").string(), args, place);
  s.shards = int(nproc);
  s.threads = threadsPerProcess(int(nproc));
  return s;
}

}  // namespace trustlab::cli
