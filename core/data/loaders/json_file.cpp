#include "data/loaders/json_file.h"

#include <algorithm>

#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

nlohmann::json parseJsonText(const std::string& text, const std::string& path, long line) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const size_t byte = std::min(e.byte, text.size());
    const long errorLine =
        line > 0 ? line : 1 + long(std::count(text.begin(), text.begin() + long(byte), '\n'));
    std::string what = e.what();
    const auto colon = what.find("syntax error");
    throw InputError(path, "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon)),
                     errorLine);
  } catch (const nlohmann::json::exception& e) {  // e.g. a number beyond double (1e999)
    std::string what = e.what();
    const auto bracket = what.find("] ");
    throw InputError(path, "invalid JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)), line);
  }
}

nlohmann::json parseJsonFile(const std::string& path) {
  return parseJsonText(sanitizeUtf8(readFile(path)), path);
}

}  // namespace trustlab
