// core/util: where the running program is (data and plugin folders are found beside it).
#pragma once
#include <string>

namespace trustlab {

/// The folder of the running executable, or "" when /proc is unavailable.
std::string executableDir();

}  // namespace trustlab
