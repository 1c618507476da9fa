// core/config: a registry maps a concept's name ("rdp", "bilstm", "dirichlet") to a one-line
// description and whatever builds or runs it (an Entry type chosen by the owner). It is the one
// list of that concept: validation, CLI choices and help, GUI combo boxes and plugins all read or
// extend it, so outside the file that registers an item its name is never typed again.
// In the spirit of Opacus' accountants/registry.py, with descriptions for users.
#pragma once
#include <algorithm>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

/// What every entry carries besides its payload.
struct RegistryItem {
  std::string name;
  std::string description;  ///< one line, shown in --help and tooltips
  std::string origin;       ///< "" = built in; else the plugin file that added it
};

/// What a plugin added while it registered: its adds are stamped with its file and, when the
/// plugin throws, undone newest first, so a failed plugin leaves every registry as it found it.
/// The plugin loader opens one scope per plugin; outside a scope adds are built in (origin "").
class RegistrationScope {
 public:
  explicit RegistrationScope(std::string origin);
  ~RegistrationScope();
  RegistrationScope(const RegistrationScope&) = delete;
  RegistrationScope& operator=(const RegistrationScope&) = delete;

  /// The scope in force, or nullptr.
  static RegistrationScope* current();
  const std::string& origin() const { return origin_; }
  /// "model 'dan'", in the order they were added.
  const std::vector<std::string>& added() const { return added_; }
  void record(const std::string& kind, const std::string& name, std::function<void()> undo);
  /// Undoes every add of the scope, newest first.
  void rollback();

 private:
  std::string origin_;
  std::vector<std::string> added_;
  std::vector<std::function<void()>> undo_;
  RegistrationScope* outer_;
};

template <typename Entry>
class Registry {
 public:
  /// `kind` names the list in messages ("accountant"), `field` the spec field that chooses
  /// from it ("privacy.accountant"; empty when none does).
  /// `builtins` adds the entries that ship with TrustLab (run once, when the registry is first used).
  template <typename Builtins>
  Registry(std::string kind, std::string field, Builtins builtins) : kind_(std::move(kind)), field_(std::move(field)) {
    builtins(*this);
    builtIn_ = false;
  }
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Adds an entry, or replaces the one with the same name (a plugin may override a built-in).
  /// Inside a RegistrationScope the item takes the scope's origin and the add can be undone.
  void add(RegistryItem item, Entry entry) {
    RegistrationScope* scope = builtIn_ ? nullptr : RegistrationScope::current();
    if (scope && item.origin.empty()) item.origin = scope->origin();
    const std::string name = item.name;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& e) { return e.first.name == name; });
    std::function<void()> undo;
    if (it != items_.end()) {
      undo = [this, name, old = *it] { restore(name, old); };
      *it = {std::move(item), std::move(entry)};
    } else {
      undo = [this] { std::lock_guard<std::mutex> l(mutex_); items_.pop_back(); };
      items_.emplace_back(std::move(item), std::move(entry));
    }
    if (scope) scope->record(kind_, name, std::move(undo));
  }

  bool contains(const std::string& name) const { return find(name) != nullptr; }

  /// The entry, or nullptr.
  const Entry* find(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [item, entry] : items_)
      if (item.name == name) return &entry;
    return nullptr;
  }

  /// The entry; an InputError naming the field (and the closest name) when there is none.
  const Entry& at(const std::string& name) const {
    if (const Entry* e = find(name)) return *e;
    throw InputError(field_.empty() ? kind_ : field_, unknownMessage(name), 0, field_);
  }

  /// "unknown accountant 'rpd' (did you mean 'rdp'? one of rdp, prv, gdp)"
  std::string unknownMessage(const std::string& name) const {
    const auto all = names();
    std::string msg = "unknown " + kind_ + " '" + name + "' (";
    if (const auto near = closestMatch(name, all); !near.empty()) msg += "did you mean '" + near + "'? ";
    return msg + "one of " + joinNames(all, ", ") + ")";
  }

  /// Names in registration order (built-ins first, as they are meant to be shown).
  std::vector<std::string> names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& e : items_) out.push_back(e.first.name);
    return out;
  }

  std::vector<RegistryItem> items() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<RegistryItem> out;
    for (const auto& e : items_) out.push_back(e.first);
    return out;
  }

  const std::string& kind() const { return kind_; }
  const std::string& field() const { return field_; }

 private:
  void restore(const std::string& name, std::pair<RegistryItem, Entry> old) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& e : items_)
      if (e.first.name == name) e = std::move(old);
  }

  std::string kind_, field_;
  bool builtIn_ = true;  // while the constructor adds the built-ins
  mutable std::mutex mutex_;
  std::deque<std::pair<RegistryItem, Entry>> items_;  // a deque: entries never move
};

}  // namespace trustlab
