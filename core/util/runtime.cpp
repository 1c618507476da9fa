#include "util/runtime.h"

#include <dlfcn.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <thread>

#include "util/errors.h"
#include "trustlab_build_info.h"

namespace trustlab {

namespace {

/// OMP_NUM_THREADS when it is a positive count (LibTorch's own convention: how a user, or CTest
/// running suites side by side, gives each process its share of the cores), else every hardware
/// thread.
int defaultThreads() {
  if (const char* omp = std::getenv("OMP_NUM_THREADS"); omp && *omp) {
    char* end = nullptr;
    const long n = std::strtol(omp, &end, 10);
    if (*end == '\0' && n > 0 && n <= 4096) return int(n);
  }
  return int(std::thread::hardware_concurrency());
}

}  // namespace

int threadsPerProcess(int processes) { return std::max(1, defaultThreads() / std::max(1, processes)); }

int configureThreads(int requested) {
  int n = requested > 0 ? requested : defaultThreads();
  if (n <= 0) n = 1;
  torch::set_num_threads(n);
  // Debian's LibTorch reaches BLAS through libblas.so.3. OpenBLAS behind it keeps its own thread
  // pool, sized to the machine and deaf to set_num_threads; with LibTorch's OpenMP threads also
  // spinning, the two pools fight over the cores (a BiLSTM step ran 3× slower on 2 threads than on
  // 1). So BLAS calls run on the calling thread and LibTorch parallelises around them, unless
  // OPENBLAS_NUM_THREADS says otherwise. Absent with other BLAS builds.
  using SetBlasThreads = void (*)(int);
  const char* blasThreads = std::getenv("OPENBLAS_NUM_THREADS");
  if (const auto setBlasThreads = reinterpret_cast<SetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
      setBlasThreads && !(blasThreads && *blasThreads))
    setBlasThreads(1);
#ifdef __GLIBC__
  // glibc moves its mmap threshold up with each free of a large block (to at most 32 MiB) and
  // trims the heap above twice that, so a step's speed depended on what the process had
  // allocated before: after loading a plugin, a BiLSTM step's tensors went through mmap/munmap
  // and page faults, 1.5–1.8× slower (trustlab-bench train). Fixed thresholds make every process
  // run the same. Blocks up to 1 GiB come from the heap and up to 1 GiB freed at its top is kept
  // for the next step: a training step frees and takes back the same large tensors every time,
  // and each mmap'd one is page-faulted afresh (costly on a VM). With the dynamic rule's 32 MiB cap
  // a private Transformer step at batch 256, sequence 128 (per-example gradients of 32–64 MiB)
  // took 3.7–4.4 s instead of 1.6–1.9 s.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
  return n;
}

c10::Device parseDevice(const std::string& name) {
  if (name.empty() || name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw InputError("device", "CUDA requested ('" + name +
                                     "') but this LibTorch build has no usable CUDA device");
    try {
      return c10::Device(name);
    } catch (const std::exception&) {
      throw InputError("device", "malformed CUDA device '" + name + "'");
    }
  }
  throw InputError("device", "unknown device '" + name + "' (expected cpu or cuda[:N])");
}

BuildInfo buildInfo() {
  BuildInfo b;
  b.trustlabVersion = TRUSTLAB_VERSION_STRING;
  b.libtorchVersion = TORCH_VERSION;
  b.gitCommit = TRUSTLAB_GIT_COMMIT;
  b.cudaAvailable = torch::cuda::is_available();
  return b;
}

std::string hostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

std::string hostDescription() {
  struct utsname u {};
  std::string os = uname(&u) == 0 ? std::string(u.sysname) + " " + u.release + " " + u.machine : "";
  return hostName() + " (" + os + ", " + std::to_string(std::thread::hardware_concurrency()) +
         " hardware threads)";
}

double unixSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void reportFileSizeLimitAsError() { std::signal(SIGXFSZ, SIG_IGN); }

}  // namespace trustlab
