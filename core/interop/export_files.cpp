#include "interop/export_files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "util/errors.h"

namespace trustlab {

std::vector<RunRecord> runsToExport(const RunStore& store, const std::vector<long long>& ids) {
  std::vector<RunRecord> runs;
  if (ids.empty()) {
    runs = store.listRuns();  // with latest metrics, params and tags, as run() reads one
  } else {
    for (long long id : ids) {
      auto r = store.run(id);
      if (!r) throw InputError(store.path(), "no run with id " + std::to_string(id), 0, "run id");
      runs.push_back(std::move(*r));
    }
  }
  std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return runs;
}

void makeExportFolder(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error || !std::filesystem::is_directory(folder))
    throw InputError(folder.string(), "cannot create the folder: " + (error ? error.message() : "a file is in the way"));
}

void writeExportFile(const std::filesystem::path& file, const std::string& content) {
  makeExportFolder(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << content;
  out.flush();
  if (!out) throw InputError(file.string(), std::string("cannot write: ") + std::strerror(errno));
}

std::filesystem::path keyPath(const std::string& key) {
  std::filesystem::path p;
  size_t start = 0;
  while (start <= key.size()) {
    const size_t end = std::min(key.find('/', start), key.size());
    const std::string part = key.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") throw InputError("key " + key, "cannot be a file path");
    p /= part;
    start = end + 1;
  }
  return p;
}

}  // namespace trustlab
