// core/util: the process's runtime configuration and identity: LibTorch threads sized from the
// hardware (Debian's LibTorch defaults to one), device parsing, and the version/host facts that
// every run records for reproducibility; the clock that runs stamp with.
#pragma once
#include <cstdint>
#include <string>

namespace c10 { struct Device; }

namespace trustlab {

/// Sets LibTorch intra-op threads (`requested` <= 0 means OMP_NUM_THREADS when set, else all
/// hardware threads; returns the count), BLAS on the calling thread, and fixed malloc thresholds (see the .cpp for why).
int configureThreads(int requested = 0);

/// Each process's share of the cores when `processes` processes of this machine work side by side
/// (fl --nproc, sweep --nproc): configureThreads' default (OMP_NUM_THREADS, else every hardware
/// thread) / processes, at least 1.
int threadsPerProcess(int processes);

/// "cpu", "cuda", "cuda:1" → device; throws InputError (field "device") when unknown/unavailable.
c10::Device parseDevice(const std::string& name);

struct BuildInfo {
  std::string trustlabVersion;
  std::string libtorchVersion;
  std::string gitCommit;  ///< empty when built outside a git checkout
  bool cudaAvailable = false;
};
BuildInfo buildInfo();

/// Wall-clock seconds since the Unix epoch (metric and store timestamps).
double unixSeconds();

/// A file-size limit (ulimit -f) then makes writes fail (EFBIG), reported like a full disk with
/// the file named, instead of SIGXFSZ killing the process mid-write. Front ends call it first.
void reportFileSizeLimitAsError();

/// "hostname (Linux 6.1 x86_64)".
std::string hostDescription();
std::string hostName();

}  // namespace trustlab
