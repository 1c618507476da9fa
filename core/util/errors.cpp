#include "util/errors.h"

namespace trustlab {
namespace {
std::string format(const std::string& where, const std::string& message, long line,
                   const std::string& field) {
  std::string s = where;
  if (line > 0) s += ":" + std::to_string(line);
  if (!field.empty()) s += ": field '" + field + "'";
  return s + ": " + message;
}
}  // namespace

InputError::InputError(std::string where, std::string message, long line, std::string field)
    : std::runtime_error(format(where, message, line, field)),
      where_(std::move(where)),
      message_(std::move(message)),
      line_(line),
      field_(std::move(field)) {}

}  // namespace trustlab
