#include "util/paths.h"

#include <filesystem>

namespace trustlab {

std::string executableDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

}  // namespace trustlab
