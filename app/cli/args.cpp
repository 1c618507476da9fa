#include "args.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <string>

#include "spec/experiment_spec.h"
#include "spec/spec_fields.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab::cli {
namespace {

const char* typeName(FieldType t) {
  switch (t) {
    case FieldType::Integer: return "N";
    case FieldType::Real: return "X";
    case FieldType::Text: return "TEXT";
    case FieldType::Boolean: break;
  }
  return "";
}

/// "the optimizer's step size (training.lr; default 0.001; (0, 10])"
std::string fieldHelp(const SpecField& f, const ExperimentSpec& defaults) {
  const FieldValue value = f.get(defaults);
  std::string h = f.info.help + " [" + f.path() + "; default " + formatFieldValue(value);
  if (const auto domain = fieldDomain(f.info); !domain.empty()) h += "; " + domain;
  if (value == FieldValue(true)) h += "; --" + f.info.flag + "=false turns it off";
  return h + "]";
}

/// The option a CLI11 message is about ("--lr"), else "command line".
std::string optionIn(const std::string& message) {
  const auto at = message.find("--");
  if (at == std::string::npos) return "command line";
  const auto end = message.find_first_of(" :=,", at);
  return message.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& flags, const CommandHelp& help, const std::vector<std::string>& specSections) {
  CLI::App app(help.description, help.name.empty() ? "trustlab-cli" : help.name);
  app.get_formatter()->column_width(34);
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a repeated option: the last wins
  std::map<std::string, std::string> raw;  // everything lands here as text, parsed by the getters
  std::vector<std::string> known;
  const auto describe = [&](const std::string& k) {
    const auto it = help.help.find(k);
    return it == help.help.end() ? std::string() : it->second;
  };
  for (const auto& k : valued) {
    app.add_option("--" + k, raw[k], describe(k))->type_name("VALUE");
    known.push_back("--" + k);
  }
  for (const auto& k : flags) {
    app.add_flag("--" + k, raw[k], describe(k));
    known.push_back("--" + k);
  }
  const ExperimentSpec defaults;
  for (const auto& f : specFields()) {
    if (f.info.flag.empty() || std::find(specSections.begin(), specSections.end(), f.section) == specSections.end())
      continue;
    const std::string name = "--" + f.info.flag;
    CLI::Option* o = f.info.type == FieldType::Boolean ? app.add_flag(name, raw[f.info.flag], fieldHelp(f, defaults))
                                                       : app.add_option(name, raw[f.info.flag], fieldHelp(f, defaults))
                                                             ->type_name(typeName(f.info.type));
    o->group(f.sectionTitle.empty() ? "Experiment" : f.sectionTitle);
    known.push_back(name);
  }
  app.add_option(help.positional, positional_, help.positionalHelp);
  try {
    app.parse(std::vector<std::string>(argv.rbegin(), argv.rend()));  // CLI11 takes them last first
  } catch (const CLI::CallForHelp&) {
    throw HelpRequested(app.help());
  } catch (const CLI::ExtrasError& e) {
    const std::string option = optionIn(e.what());
    std::string message = "unknown option";
    if (const auto near = closestMatch(option, known); !near.empty()) message += " (did you mean " + near + "?)";
    throw InputError(option, message);
  } catch (const CLI::ParseError& e) {
    // CLI11 starts its message with the option ("--lr: 1 required X missing"); say it once.
    std::string message = e.what();
    const std::string option = optionIn(message);
    if (message.rfind(option + ": ", 0) == 0) message.erase(0, option.size() + 2);
    if (message.find("required") != std::string::npos && message.find("missing") != std::string::npos)
      message = "needs a value";
    throw InputError(option, message);
  }
  for (const auto& [k, v] : raw)
    if (app.get_option("--" + k)->count() > 0) values_[k] = v;
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

std::set<std::string> Args::given() const {
  std::set<std::string> keys;
  for (const auto& [k, v] : values_) keys.insert(k);
  return keys;
}

}  // namespace trustlab::cli
