// trustlab-bench: how every suite times: wall seconds of one call, and the median over repeats
// after a warm-up (this machine is noisy; medians, never single runs).
#pragma once
#include <algorithm>
#include <chrono>
#include <functional>
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

/// Wall times of each of `fs` (already warmed up) over `repeats` rounds, the functions taking turns
/// within a round, so that the machine's drift (a shared VM speeds up and slows down over seconds)
/// falls on all of them alike: times[k][i] is fs[k] in round i.
inline std::vector<std::vector<double>> interleavedTimes(const std::vector<std::function<void()>>& fs, int repeats) {
  std::vector<std::vector<double>> times(fs.size());
  for (int i = 0; i < repeats; ++i)
    for (size_t k = 0; k < fs.size(); ++k) times[k].push_back(secondsOf(fs[k]));
  return times;
}

/// The median over rounds of a[i] / b[i]: a ratio measured within each round, robust to drift.
inline double medianRatio(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> r;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) r.push_back(a[i] / b[i]);
  return median(r);
}

}  // namespace trustlab::bench
