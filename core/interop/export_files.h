// core/interop: what both exports share: the runs to write and files written or refused by name.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "store/run_store.h"

namespace trustlab {

/// The runs `ids` names (every run when empty), oldest first; an unknown id is an InputError.
std::vector<RunRecord> runsToExport(const RunStore& store, const std::vector<long long>& ids);
/// Creates `folder` (and its parents); throws InputError naming it and the reason.
void makeExportFolder(const std::filesystem::path& folder);
/// Writes `content` to `file`; throws InputError naming it and the reason.
void writeExportFile(const std::filesystem::path& file, const std::string& content);
/// A metric, param or tag key as a relative path: '/' separates folders as in MLflow; empty
/// segments, "." and ".." are refused (InputError naming the key).
std::filesystem::path keyPath(const std::string& key);

}  // namespace trustlab
