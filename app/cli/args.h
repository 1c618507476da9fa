// trustlab-cli: a small command-line parser. "--key value", "--key=value" and boolean "--flag";
// anything unknown is an InputError naming the option (exit code 2).
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

namespace trustlab::cli {

class Args {
 public:
  /// `valued` options take a value; `flags` do not.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& flags);
  bool has(const std::string& key) const { return values_.count(key) > 0; }
  std::string get(const std::string& key, const std::string& fallback = {}) const;
  long getLong(const std::string& key, long fallback) const;
  double getDouble(const std::string& key, double fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace trustlab::cli
