#include "config/registry.h"

namespace trustlab {
namespace {
// Plugins register at startup, one at a time, before any worker thread exists.
RegistrationScope* gCurrent = nullptr;
}  // namespace

RegistrationScope::RegistrationScope(std::string origin) : origin_(std::move(origin)), outer_(gCurrent) {
  gCurrent = this;
}

RegistrationScope::~RegistrationScope() { gCurrent = outer_; }

RegistrationScope* RegistrationScope::current() { return gCurrent; }

void RegistrationScope::record(const std::string& kind, const std::string& name, std::function<void()> undo) {
  added_.push_back(kind + " '" + name + "'");
  undo_.push_back(std::move(undo));
}

void RegistrationScope::rollback() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  undo_.clear();
  added_.clear();
}

}  // namespace trustlab
