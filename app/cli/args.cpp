#include "args.h"

#include <cmath>
#include <string>

#include "util/errors.h"

namespace trustlab::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& flags) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    std::string key = a.substr(2), value;
    const auto eq = key.find('=');
    const bool inlineValue = eq != std::string::npos;
    if (inlineValue) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    }
    if (flags.count(key)) {
      if (inlineValue) throw InputError("--" + key, "takes no value");
      values_[key] = "1";
    } else if (valued.count(key)) {
      if (!inlineValue) {
        if (i + 1 >= argv.size()) throw InputError("--" + key, "needs a value");
        value = argv[++i];
      }
      values_[key] = value;
    } else {
      throw InputError("--" + key, "unknown option");
    }
  }
}

std::string Args::get(const std::string& key, const std::string& fallback) const {
  const auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

namespace {
/// Parses all of `v` with `parse` (std::stol/std::stod), or throws naming the option.
template <typename T, typename Parse>
T parseWhole(const std::string& key, const std::string& v, Parse parse, const char* expected) {
  size_t used = 0;
  T out{};
  try {
    out = parse(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || v.empty() || !std::isfinite(double(out)))
    throw InputError("--" + key, std::string("expected ") + expected + ", got '" + v + "'");
  return out;
}
}  // namespace

long Args::getLong(const std::string& key, long fallback) const {
  if (!has(key)) return fallback;
  return parseWhole<long>(key, get(key), [](const std::string& s, size_t* n) { return std::stol(s, n); },
                          "an integer");
}

double Args::getDouble(const std::string& key, double fallback) const {
  if (!has(key)) return fallback;
  return parseWhole<double>(key, get(key), [](const std::string& s, size_t* n) { return std::stod(s, n); },
                            "a finite number");
}

}  // namespace trustlab::cli
