#include "util/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/errors.h"

namespace trustlab {

void createPrivateDirectories(const std::filesystem::path& dir) {
  if (dir.empty()) return;  // the current folder
  std::filesystem::path built;
  for (const auto& part : dir) {
    built /= part;
    if (::mkdir(built.c_str(), 0700) == 0 || errno == EEXIST) continue;
    throw InputError(built.string(), std::string("cannot create the folder: ") + std::strerror(errno));
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw InputError(dir.string(), "cannot create the folder: a file is in the way");
}

void createPrivateFile(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno != EEXIST) throw InputError(file.string(), std::string("cannot create the file: ") + std::strerror(errno));
}

}  // namespace trustlab
