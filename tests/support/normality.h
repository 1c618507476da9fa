// Whether samples look standard normal, for the noise samplers' tests: the mean, variance and fourth
// moment within 5 standard errors, the mass beyond each tail point within 5 standard errors (a
// tail sampler is easy to get wrong), and the Kolmogorov–Smirnov distance to Φ below its critical
// value at α = 0.001 (1.95/√n: a sampler off by a layer's sliver fails it).
#pragma once
#include <QString>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <vector>

namespace trustlab::test {

/// "" when `z` passes every check, else what failed.
inline QString notStandardNormal(std::vector<double> z, std::initializer_list<double> tailPoints) {
  const double n = double(z.size());
  double sum = 0, sq = 0, fourth = 0;
  for (double x : z) sum += x, sq += x * x, fourth += x * x * x * x;
  const double mean = sum / n, var = sq / n - mean * mean;
  if (std::abs(mean) > 5 / std::sqrt(n)) return QString("mean %1").arg(mean);
  if (std::abs(var - 1) > 5 * std::sqrt(2 / n)) return QString("variance %1").arg(var);
  if (std::abs(fourth / n - 3) > 5 * std::sqrt(96 / n)) return QString("fourth moment %1").arg(fourth / n);
  for (const double t : tailPoints) {
    const double p = std::erfc(t / std::sqrt(2.0)), sd = std::sqrt(p * (1 - p) / n);
    const double got = double(std::count_if(z.begin(), z.end(), [t](double x) { return std::abs(x) > t; })) / n;
    if (std::abs(got - p) > 5 * sd) return QString("mass beyond %1: %2, expected %3").arg(t).arg(got).arg(p);
  }
  std::sort(z.begin(), z.end());
  double d = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const double p = 0.5 * std::erfc(-z[i] / std::sqrt(2.0));
    d = std::max({d, std::abs(p - double(i) / n), std::abs(double(i + 1) / n - p)});
  }
  if (d > 1.95 / std::sqrt(n)) return QString("Kolmogorov–Smirnov √n·D = %1").arg(d * std::sqrt(n));
  return {};
}

}  // namespace trustlab::test
