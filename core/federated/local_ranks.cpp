#include "federated/local_ranks.h"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace trustlab {
namespace {

/// This process's environment without the rendezvous variables, then `extra`.
std::vector<std::string> environmentWith(const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    const auto name = kv.substr(0, kv.find('='));
    if (name != "RANK" && name != "WORLD_SIZE" && name != "MASTER_ADDR" && name != "MASTER_PORT" &&
        name != "LOCAL_RANK")
      out.push_back(kv);
  }
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

LocalRanks::LocalRanks(const std::string& program, const std::vector<std::string>& args, const Rendezvous& master) {
  std::vector<std::string> argv{program};
  argv.insert(argv.end(), args.begin(), args.end());
  auto argp = pointersTo(argv);
  for (int rank = 1; rank < master.worldSize; ++rank) {
    auto env = environmentWith({"RANK=" + std::to_string(rank), "LOCAL_RANK=" + std::to_string(rank),
                                "WORLD_SIZE=" + std::to_string(master.worldSize), "MASTER_ADDR=" + master.host,
                                "MASTER_PORT=" + std::to_string(master.port)});
    auto envp = pointersTo(env);
    pid_t pid = 0;
    // glibc's posix_spawn reports a failed exec here rather than in the child.
    if (const int err = posix_spawn(&pid, program.c_str(), nullptr, nullptr, argp.data(), envp.data()); err != 0) {
      for (int p : pids_) kill(p, SIGTERM);
      for (int p : pids_) waitpid(p, nullptr, 0);
      throw std::runtime_error("cannot start rank " + std::to_string(rank) + " (" + program + "): " + std::strerror(err));
    }
    pids_.push_back(int(pid));
  }
}

LocalRanks::~LocalRanks() {
  for (int p : pids_) kill(p, SIGTERM);
  for (int p : pids_) waitpid(p, nullptr, 0);
}

void LocalRanks::wait() {
  std::string failure;
  for (size_t i = 0; i < pids_.size(); ++i) {
    int status = 0;
    waitpid(pids_[i], &status, 0);
    if (failure.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
      failure = "rank " + std::to_string(i + 1) +
                (WIFSIGNALED(status) ? " was killed by signal " + std::to_string(WTERMSIG(status))
                                     : " exited with status " + std::to_string(WEXITSTATUS(status)));
  }
  pids_.clear();
  if (!failure.empty()) throw std::runtime_error("multi-process run: " + failure);
}

int LocalRanks::freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("cannot open a socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  const int err = errno;
  close(fd);
  if (!ok) throw std::runtime_error(std::string("cannot find a free port: ") + std::strerror(err));
  return ntohs(addr.sin_port);
}

}  // namespace trustlab
