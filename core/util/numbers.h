#pragma once
// Named floating-point constants, declared once for the files that return "undefined" (NaN) or
// "unbounded" (infinity) results.
#include <limits>

namespace trustlab {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace trustlab
