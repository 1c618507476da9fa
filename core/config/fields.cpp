#include "config/fields.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "util/text.h"

namespace trustlab {
namespace {
std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

std::string FieldRange::describe(bool integer) const {
  const bool lo = std::isfinite(min), hi = std::isfinite(max);
  if (lo && hi) {
    if (integer && !minOpen && !maxOpen) return "must be in " + number(min) + ".." + number(max);
    return std::string("must be in ") + (minOpen ? "(" : "[") + number(min) + ", " + number(max) + (maxOpen ? ")" : "]");
  }
  if (lo) return std::string("must be ") + (minOpen ? "> " : "≥ ") + number(min);
  if (hi) return std::string("must be ") + (maxOpen ? "< " : "≤ ") + number(max);
  return "must be finite";
}

std::string formatFieldValue(const FieldValue& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<long long>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return number(*d);
  return std::get<std::string>(value);
}

std::optional<FieldValue> parseFieldValue(const FieldInfo& field, const std::string& text) {
  const std::string t = trim(text);
  switch (field.type) {
    case FieldType::Boolean:
      if (t == "true" || t == "1") return FieldValue(true);
      if (t == "false" || t == "0") return FieldValue(false);
      return std::nullopt;
    case FieldType::Integer: {
      char* end = nullptr;
      errno = 0;
      const long long v = std::strtoll(t.c_str(), &end, 10);
      if (t.empty() || *end || errno == ERANGE) return std::nullopt;
      return FieldValue(v);
    }
    case FieldType::Real: {
      const auto v = parseFiniteNumber(t);
      return v ? std::optional<FieldValue>(FieldValue(*v)) : std::nullopt;
    }
    case FieldType::Text: {
      // Specs are JSON, which holds UTF-8 only: a value that is not would be stored unreadable.
      size_t invalid = 0;
      sanitizeUtf8(text, &invalid);
      return invalid ? std::nullopt : std::optional<FieldValue>(FieldValue(text));
    }
  }
  return std::nullopt;
}

std::string fieldProblem(const FieldInfo& field, const FieldValue& value) {
  const auto withNote = [&](std::string m) { return field.rangeNote.empty() ? m : m + " (" + field.rangeNote + ")"; };
  if (const auto* i = std::get_if<long long>(&value)) {
    if (!field.range.contains(double(*i))) return withNote(field.range.describe(true));
  } else if (const auto* d = std::get_if<double>(&value)) {
    if (!field.range.contains(*d)) return withNote(field.range.describe(false));
  } else if (const auto* s = std::get_if<std::string>(&value); s && field.choices && !field.openChoices) {
    std::vector<std::string> names;
    for (const auto& item : field.choices()) {
      if (item.name == *s) return {};
      names.push_back(item.name);
    }
    std::string m = "unknown value '" + *s + "' (";
    if (const auto near = closestMatch(*s, names); !near.empty()) m += "did you mean '" + near + "'? ";
    return m + "one of " + joinNames(names, ", ") + ")";
  }
  return {};
}

std::string fieldDomain(const FieldInfo& field) {
  std::string d;
  if (field.choices) {
    std::vector<std::string> names;
    for (const auto& item : field.choices()) names.push_back(item.name.empty() ? "\"\"" : item.name);
    d = (field.openChoices ? "e.g. " : "one of ") + joinNames(names, ", ");
  } else if (field.range.bounded()) {
    d = field.range.describe(field.type == FieldType::Integer).substr(8);  // after "must be "
  }
  if (!field.rangeNote.empty()) d += (d.empty() ? "" : "; ") + field.rangeNote;
  return d;
}

}  // namespace trustlab
