#include "attacks/lira.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace trustlab {
namespace {

struct Gaussian {
  double mean = 0, std = 1;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double m = 0, s = 0;
  for (double x : v) m += x;
  m /= double(v.size());
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / double(v.size() - 1));
}

double logPdf(double x, const Gaussian& g) {
  const double z = (x - g.mean) / g.std;
  return -0.5 * z * z - std::log(g.std) - 0.5 * std::log(2 * M_PI);
}

/// log Φ(z), accurate in the far lower tail too (Mills ratio asymptote below −30).
double logCdf(double z) {
  if (z > -30) return std::log(0.5 * std::erfc(-z / std::sqrt(2.0)));
  return -0.5 * z * z - std::log(-z) - 0.5 * std::log(2 * M_PI);
}

}  // namespace

std::vector<double> liraScores(const std::vector<double>& target, const std::vector<std::vector<double>>& shadow,
                               const std::vector<std::vector<bool>>& in, const LiraOptions& options) {
  const size_t n = target.size(), K = shadow.size();
  if (K == 0 || in.size() != K) throw std::invalid_argument("liraScores: need shadows with membership");
  // Per-example IN / OUT samples, and every sample pooled (the fixed-variance estimate and the
  // fallback for an example no shadow happened to include or exclude).
  std::vector<std::vector<double>> ins(n), outs(n);
  std::vector<double> allIn, allOut, inCentred, outCentred;
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < n; ++i) (in[k][i] ? ins[i] : outs[i]).push_back(shadow[k][i]);
  std::vector<double> inMean(n), outMean(n);
  for (size_t i = 0; i < n; ++i) {
    allIn.insert(allIn.end(), ins[i].begin(), ins[i].end());
    allOut.insert(allOut.end(), outs[i].begin(), outs[i].end());
  }
  const double inFallback = allIn.empty() ? 0 : median(allIn), outFallback = allOut.empty() ? 0 : median(allOut);
  for (size_t i = 0; i < n; ++i) {
    inMean[i] = ins[i].empty() ? inFallback : median(ins[i]);
    outMean[i] = outs[i].empty() ? outFallback : median(outs[i]);
    for (double x : ins[i]) inCentred.push_back(x - inMean[i]);
    for (double x : outs[i]) outCentred.push_back(x - outMean[i]);
  }
  constexpr double kFloor = 1e-6;  // a side whose samples all agree would give an infinite density
  const double inGlobal = std::max(stddev(inCentred), kFloor), outGlobal = std::max(stddev(outCentred), kFloor);
  std::vector<double> scores(n);
  for (size_t i = 0; i < n; ++i) {
    const double sIn = options.fixedVariance || ins[i].size() < 2 ? inGlobal : std::max(stddev(ins[i]), kFloor);
    const double sOut = options.fixedVariance || outs[i].size() < 2 ? outGlobal : std::max(stddev(outs[i]), kFloor);
    const Gaussian out{outMean[i], sOut};
    scores[i] = options.online ? logPdf(target[i], {inMean[i], sIn}) - logPdf(target[i], out)
                               : logCdf((target[i] - out.mean) / out.std);
  }
  return scores;
}

}  // namespace trustlab
