// trustlab-bench: how every suite times: wall seconds of one call, and the median over repeats
// after a warm-up (this machine is noisy; medians, never single runs).
#pragma once
#include <algorithm>
#include <chrono>
#include <vector>

namespace trustlab::bench {

template <typename F>
double secondsOf(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Median wall time of `f` over `repeats` runs after one warm-up.
template <typename F>
double timeMedian(F&& f, int repeats) {
  f();
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) t.push_back(secondsOf(f));
  return median(t);
}

}  // namespace trustlab::bench
