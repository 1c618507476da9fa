// core/util: files and folders only their owner may read. The run store and its artifacts hold the
// training data's words (vocabularies) and models that can memorise it, so they are created 0600
// (files) and 0700 (folders) whatever the umask, as ssh and gpg keep their keys.
#pragma once
#include <filesystem>

namespace trustlab {

/// Creates `dir` and any missing parents, each new one 0700 (existing ones are left as they are).
/// InputError naming the folder when it cannot (a file in the way, no permission).
void createPrivateDirectories(const std::filesystem::path& dir);

/// Creates `file` empty with mode 0600 unless it exists (its folder must exist).
void createPrivateFile(const std::filesystem::path& file);

}  // namespace trustlab
