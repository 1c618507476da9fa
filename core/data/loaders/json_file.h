// core/data/loaders: parse a JSON file leniently decoded as UTF-8, reporting syntax errors with the
// file and line number.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace trustlab {
nlohmann::json parseJsonFile(const std::string& path);
/// Parses one JSON text that came from `path` at `line` (JSONL rows).
nlohmann::json parseJsonText(const std::string& text, const std::string& path, long line = 0);
}  // namespace trustlab
