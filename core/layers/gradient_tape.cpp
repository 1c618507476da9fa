#include "layers/gradient_tape.h"

namespace trustlab {
namespace {
thread_local GradientTape* tCurrent = nullptr;
}

GradientTape* GradientTape::active() { return tCurrent; }

TapeScope::TapeScope(GradientTape& tape) : previous_(tCurrent) { tCurrent = &tape; }
TapeScope::~TapeScope() { tCurrent = previous_; }

}  // namespace trustlab
