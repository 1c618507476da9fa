// core/util: error types shared by every core module.
// InputError means "the user gave us something wrong" (CLI exit code 2); it always names the
// file and, where known, the line and field, so a researcher can fix the input without a debugger.
#pragma once
#include <stdexcept>
#include <string>

namespace trustlab {

class InputError : public std::runtime_error {
 public:
  /// `where` is a file path or a spec field path ("training.lr"); `line` is 1-based, 0 if unknown.
  InputError(std::string where, std::string message, long line = 0, std::string field = {});
  const std::string& where() const { return where_; }
  long line() const { return line_; }
  const std::string& field() const { return field_; }
  /// The message alone, without where/line/field.
  const std::string& message() const { return message_; }

 private:
  std::string where_, message_;
  long line_;
  std::string field_;
};

/// Failure of the run store (SQLite): disk full, locked, corrupt. Never an InputError.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace trustlab
