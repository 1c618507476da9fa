// core/config: declared fields. Each config section lists its fields once, beside its struct:
// JSON key, member, type (from the member), default (the struct's), range or choices, a label and
// one line of help, the command-line name, and when the field applies. From that one list come
// JSON read/write, unknown-field errors with a "did you mean", validation messages naming the
// field's path, the CLI's options and --help, and the designer's form rows.
//
//   FieldList<TrainConfig> f("training", "Training");
//   f.add("lr", &TrainConfig::lr, "Learning rate", "step size of the optimizer").above(0).atMost(10);
//
// A section's FieldList is type-safe over its struct; SpecField (spec/spec_fields.h) lifts
// every section's fields onto the whole ExperimentSpec for the front ends.
#pragma once
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "config/registry.h"

namespace trustlab {

/// One problem with a config, named by its field path ("training.lr").
struct SpecIssue {
  std::string field;
  std::string message;
};

enum class FieldType { Boolean, Integer, Real, Text };
/// A field's value: bool, integer, real or text (the member's type converts to and from it).
using FieldValue = std::variant<bool, long long, double, std::string>;

/// Bounds of a number field; open ends are strict. Integers print as 1..1024, reals as (0, 10].
struct FieldRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool minOpen = false, maxOpen = false;
  bool contains(double v) const {
    return std::isfinite(v) && (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
  }
  bool bounded() const { return std::isfinite(min) || std::isfinite(max); }
  /// "must be in 1..1024", "must be > 0", "must be in [0, 1)".
  std::string describe(bool integer) const;
};

/// What every field declares, whatever its section.
struct FieldInfo {
  std::string key;    ///< JSON key inside its section
  FieldType type = FieldType::Text;
  std::string label;  ///< form row label
  std::string help;   ///< one line: --help, tooltips
  std::string flag;   ///< command-line name without dashes; "" = none
  FieldRange range;
  std::string rangeNote;  ///< appended to range errors, e.g. "0 = the model's default"
  /// Text chosen from a list (usually a registry's items), read when asked so plugins count.
  std::function<std::vector<RegistryItem>()> choices;
  bool openChoices = false;  ///< choices are suggestions: other text (a path) is accepted
  bool path = false;         ///< a file or folder path (the designer offers a browse button)
  bool folder = false;       ///< the path is a folder (the browse button picks folders)
  bool unsignedInteger = false;
};

/// The value as the user writes it: "true", "64", "1e-05", "bilstm".
std::string formatFieldValue(const FieldValue& value);
/// Parses `text` as a value of the field's type; nullopt when it is not one (a word for a number,
/// "1.5" for an integer, "yes" for a boolean: booleans are true/false/1/0).
std::optional<FieldValue> parseFieldValue(const FieldInfo& field, const std::string& text);
/// What is wrong with `value` for the field (out of range, not finite, not one of the choices);
/// empty when it is fine.
std::string fieldProblem(const FieldInfo& field, const FieldValue& value);
/// "must be in 1..1024 (0 = …)" or "one of a, b, c": what the field accepts, for help texts.
std::string fieldDomain(const FieldInfo& field);

/// The fields of one config section C, in the order they are shown.
template <typename C>
class FieldList {
 public:
  struct Field {
    FieldInfo info;
    std::function<FieldValue(const C&)> get;
    std::function<void(C&, const FieldValue&)> set;
    std::function<bool(const C&)> applies;  ///< null: always
  };

  /// `section` is the JSON object ("training"; "" for top-level fields), `title` the form's.
  FieldList(std::string section, std::string title) : section_(std::move(section)), title_(std::move(title)) {}

  /// Declares `key` stored in `member`; the type follows the member's.
  template <typename M>
  FieldList& add(std::string key, M C::*member, std::string label, std::string help) {
    return addAccessor<M>(std::move(key), std::move(label), std::move(help),
                          [member](const C& c) -> const M& { return c.*member; },
                          [member](C& c) -> M& { return c.*member; });
  }
  /// A member of a member (data.tokenizer.maxLength).
  template <typename S, typename M>
  FieldList& add(std::string key, S C::*outer, M S::*member, std::string label, std::string help) {
    return addAccessor<M>(std::move(key), std::move(label), std::move(help),
                          [outer, member](const C& c) -> const M& { return (c.*outer).*member; },
                          [outer, member](C& c) -> M& { return (c.*outer).*member; });
  }

  // Modifiers of the field declared last.
  FieldList& atLeast(double v) { return bound(v, false, true); }
  FieldList& above(double v) { return bound(v, true, true); }
  FieldList& atMost(double v) { return bound(v, false, false); }
  FieldList& below(double v) { return bound(v, true, false); }
  FieldList& note(std::string text) { return last([&](FieldInfo& i) { i.rangeNote = std::move(text); }); }
  /// Text chosen from a registry's names (`open`: other text, a path, is accepted too).
  template <typename Entry>
  FieldList& choices(const Registry<Entry>& registry, bool open = false) {
    return choices([&registry] { return registry.items(); }, open);
  }
  FieldList& choices(std::function<std::vector<RegistryItem>()> items, bool open = false) {
    return last([&](FieldInfo& i) {
      i.choices = std::move(items);
      i.openChoices = open;
    });
  }
  /// Text chosen from a fixed list (name, description).
  FieldList& oneOf(std::vector<RegistryItem> items) {
    return choices([items = std::move(items)] { return items; });
  }
  FieldList& path() { return last([](FieldInfo& i) { i.path = true; }); }
  FieldList& folder() { return last([](FieldInfo& i) { i.path = i.folder = true; }); }
  /// The command-line name when it is not the key with '-' for '_' ("" = no flag).
  FieldList& flag(std::string name) { return last([&](FieldInfo& i) { i.flag = std::move(name); }); }
  /// The field applies (is shown, is used) only when `when` holds.
  FieldList& when(std::function<bool(const C&)> when) {
    auto& f = fields_.back();
    f.applies = combine(f.applies, std::move(when));
    return *this;
  }
  /// Every field declared from now on applies only when `when` holds (a section switched off).
  FieldList& gate(std::function<bool(const C&)> when) {
    gate_ = std::move(when);
    return *this;
  }

  const std::string& section() const { return section_; }
  const std::string& title() const { return title_; }
  const std::vector<Field>& fields() const { return fields_; }

 private:
  template <typename M, typename Get, typename Ref>
  FieldList& addAccessor(std::string key, std::string label, std::string help, Get get, Ref ref) {
    Field f;
    f.info.key = key;
    f.info.flag = dashed(key);
    f.info.label = std::move(label);
    f.info.help = std::move(help);
    f.info.type = typeOf<M>();
    f.info.unsignedInteger = std::is_unsigned_v<M> && !std::is_same_v<M, bool>;
    f.get = [get](const C& c) { return toValue(get(c)); };
    f.set = [ref](C& c, const FieldValue& v) { fromValue(v, ref(c)); };
    f.applies = gate_;
    fields_.push_back(std::move(f));
    return *this;
  }

  template <typename M>
  static FieldType typeOf() {
    if constexpr (std::is_same_v<M, bool>) return FieldType::Boolean;
    else if constexpr (std::is_integral_v<M>) return FieldType::Integer;
    else if constexpr (std::is_floating_point_v<M>) return FieldType::Real;
    else {
      static_assert(std::is_same_v<M, std::string>, "a declared field is a bool, a number or a string");
      return FieldType::Text;
    }
  }
  template <typename M>
  static FieldValue toValue(const M& m) {
    if constexpr (std::is_same_v<M, bool>) return m;
    else if constexpr (std::is_integral_v<M>) return static_cast<long long>(m);
    else if constexpr (std::is_floating_point_v<M>) return static_cast<double>(m);
    else return m;
  }
  /// The value must already have the field's type (the readers check it).
  template <typename M>
  static void fromValue(const FieldValue& v, M& m) {
    if constexpr (std::is_same_v<M, bool>) m = std::get<bool>(v);
    else if constexpr (std::is_integral_v<M>) m = static_cast<M>(std::get<long long>(v));
    else if constexpr (std::is_floating_point_v<M>) m = static_cast<M>(std::get<double>(v));
    else m = std::get<std::string>(v);
  }
  static std::string dashed(std::string key) {
    for (char& ch : key)
      if (ch == '_') ch = '-';
    return key;
  }
  static std::function<bool(const C&)> combine(std::function<bool(const C&)> a, std::function<bool(const C&)> b) {
    if (!a) return b;
    return [a = std::move(a), b = std::move(b)](const C& c) { return a(c) && b(c); };
  }
  FieldList& bound(double v, bool open, bool lower) {
    return last([&](FieldInfo& i) {
      (lower ? i.range.min : i.range.max) = v;
      (lower ? i.range.minOpen : i.range.maxOpen) = open;
    });
  }
  template <typename F>
  FieldList& last(F&& f) {
    f(fields_.back().info);
    return *this;
  }

  std::string section_, title_;
  std::vector<Field> fields_;
  std::function<bool(const C&)> gate_;
};

}  // namespace trustlab
