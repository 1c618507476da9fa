#include "privacy/prv.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

#include "privacy/rdp.h"
#include "util/numbers.h"

namespace trustlab {
namespace {

/// Why the grid computation cannot answer; prvEpsilon answers with RDP instead.
struct PrvFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A uniform grid t_min + i·dt, i < size (size even, as circular composition needs).
struct Grid {
  double tMin = 0, dt = 0;
  long size = 0;
  double shift = 0;  ///< accumulated mean-correction shift
  double at(long i) const { return tMin + double(i) * dt; }
};

/// True when n has no prime factor above 7: FFTs of such sizes are several times faster.
bool fftFriendly(long n) {
  for (long p : {2L, 3L, 5L, 7L})
    while (n % p == 0) n /= p;
  return n == 1;
}

/// Grid −k·dt … (k+1)·dt (2k + 2 points, even, as circular composition needs) covering [−L, L],
/// with k grown until the size is FFT-friendly (a wider domain is only safer).
Grid alignedGrid(double L, double dt) {
  long k = long(std::ceil(L / dt));
  while (!fftFriendly(2 * k + 2)) ++k;
  return {-double(k) * dt, dt, 2 * k + 2, 0};
}

/// t_i = t_min + i·dt for i < n, as Grid::at computes them.
torch::Tensor gridPoints(const Grid& grid, long n) {
  return torch::arange(n, torch::kDouble) * grid.dt + grid.tMin;
}

/// The two erfc terms of prvCdf at t > log(1 − q): q/2·erfc((2zσ² − 1)/r), (1 − q)/2·erfc((2zσ² + 1)/r).
std::pair<double, double> prvTails(double q, double sigma, double t) {
  const double z = std::log((std::exp(t) + q - 1) / q);
  const double r = std::sqrt(2.0) * 2 * sigma;
  return {q * 0.5 * std::erfc((2 * z * sigma * sigma - 1) / r), (1 - q) * 0.5 * std::erfc((2 * z * sigma * sigma + 1) / r)};
}

/// prvCdf at every t of an ascending double tensor: the same formula, as vectorised tensor
/// operations. Only where it is neither 0 (t ≤ log(1 − q): no loss is that low) nor 1 in double
/// precision (both erfc terms < 1e-20, far under half an ulp of 1, so 1 − a − b rounds to 1
/// whatever erfc's last bits): most of a grid lies there, and erfc costs the most.
torch::Tensor prvCdfAt(double q, double sigma, const torch::Tensor& t) {
  const long n = t.size(0);
  const auto points = t.contiguous();  // the grid's points, made on the CPU
  const double* tp = points.data_ptr<double>();
  const long first = std::upper_bound(tp, tp + n, std::log1p(-q)) - tp;
  // The tails fall as t grows: the saturated right end starts at the first point where both are tiny.
  const long end = std::partition_point(tp + first, tp + n, [&](double x) {
                     const auto [a, b] = prvTails(q, sigma, x);
                     return a >= 1e-20 || b >= 1e-20;
                   }) - tp;
  auto cdf = torch::zeros_like(t);
  cdf.narrow(0, end, n - end).fill_(1.0);
  if (end > first) {
    const auto z = ((t.narrow(0, first, end - first).exp() + (q - 1)) / q).log();
    const double r = std::sqrt(2.0) * 2 * sigma;
    const auto scaled = 2 * z * sigma * sigma;
    cdf.narrow(0, first, end - first)
        .copy_(1 - q * 0.5 * torch::erfc((scaled - 1) / r) - (1 - q) * 0.5 * torch::erfc((scaled + 1) / r));
  }
  return cdf;
}

/// Remark 5.6 of Gopi et al.: a domain beyond which the (composed) loss has mass < δ_err.
double safeDomainHalfWidth(const PrivacyHistory& h, double epsError, double deltaError) {
  const long total = totalSteps(h);
  double L = rdpEpsilon(h, deltaError / 4).epsilon;
  for (const auto& p : h) {
    if (p.steps == 0) continue;
    L = std::max(L, rdpEpsilon({{p.noiseMultiplier, p.sampleRate, 1}}, deltaError / (8.0 * double(total))).epsilon);
  }
  return std::max(L, epsError) + 3;
}

/// ∫_a^b f by adaptive Gauss–Kronrod (7/15 points).
double integrate(const std::function<double(double)>& f, double a, double b, double tol, int depth = 0) {
  static const double xk[8] = {0.991455371120812639, 0.949107912342758525, 0.864864423359769073,
                               0.741531185599394440, 0.586087235467691130, 0.405845151377397167,
                               0.207784955007898468, 0.0};
  static const double wk[8] = {0.022935322010529225, 0.063092092629978553, 0.104790010322250184,
                               0.140653259715525919, 0.169004726639267903, 0.190350578064785410,
                               0.204432940075298892, 0.209482141084727828};
  static const double wg[4] = {0.129484966168869693, 0.279705391489276668, 0.381830050505118945,
                               0.417959183673469388};
  const double c = 0.5 * (a + b), h = 0.5 * (b - a);
  double kronrod = wk[7] * f(c), gauss = wg[3] * f(c);
  for (int i = 0; i < 7; ++i) {
    const double s = f(c - h * xk[i]) + f(c + h * xk[i]);
    kronrod += wk[i] * s;
    if (i % 2 == 1) gauss += wg[i / 2] * s;
  }
  kronrod *= h;
  gauss *= h;
  if (std::abs(kronrod - gauss) <= tol || depth > 40) return kronrod;
  return integrate(f, a, c, tol / 2, depth + 1) + integrate(f, c, b, tol / 2, depth + 1);
}

/// Discretised PMF of one phase's loss, truncated to the grid, its mean matched to the
/// continuous truncated mean by shifting the grid (Gopi et al. §5).
torch::Tensor discretise(const GaussianPhase& p, Grid& grid) {
  const double q = p.sampleRate, s = p.noiseMultiplier;
  const double tLo = grid.tMin, tHi = grid.at(grid.size - 1);
  const double cdfLo = prvCdf(q, s, tLo), mass = prvCdf(q, s, tHi) - cdfLo;
  auto truncatedCdf = [&](double t) {
    if (t < tLo) return 0.0;
    if (t >= tHi) return 1.0;
    return (prvCdf(q, s, t) - cdfLo) / mass;
  };
  // CDF at the size + 1 bin edges t_i − dt/2 (the costly part: vectorised, parallel tensor
  // operations), then bin masses.
  const auto edges = gridPoints(grid, grid.size + 1) - grid.dt / 2;
  auto cdf = (prvCdfAt(q, s, edges) - cdfLo) / mass;
  cdf.masked_fill_(edges < tLo, 0.0).masked_fill_(edges >= tHi, 1.0);
  const auto pmf = (cdf.narrow(0, 1, grid.size) - cdf.narrow(0, 0, grid.size)).contiguous();
  const auto* out = pmf.data_ptr<double>();
  double discreteMean = 0;
  for (long i = 0; i < grid.size; ++i) discreteMean += grid.at(i) * out[i];
  // E[T] = ∫ t dF by parts on pieces refined around 0, where the loss concentrates.
  std::vector<double> cuts = {tLo};
  for (int e = -1; e >= -5; --e) cuts.push_back(-std::pow(10.0, e));
  for (int e = -5; e <= -1; ++e) cuts.push_back(std::pow(10.0, e));
  cuts.push_back(tHi);
  double continuousMean = 0;
  for (size_t k = 0; k + 1 < cuts.size(); ++k) {
    const double a = cuts[k], b = cuts[k + 1];
    continuousMean += b * truncatedCdf(b) - a * truncatedCdf(a) - integrate(truncatedCdf, a, b, 1e-12);
  }
  const double shift = continuousMean - discreteMean;
  if (!(std::abs(shift) < grid.dt / 2)) throw PrvFailure("its discretisation shifts the mean by more than half a bin");
  grid.tMin += shift;
  grid.shift += shift;
  return pmf;
}

/// PMF of the sum of `n` independent copies, by FFT on the same (circular) grid: index k of
/// the result holds the sum whose grid index total is k − roll.
torch::Tensor selfCompose(const torch::Tensor& pmf, long n, Grid& grid) {
  // z^n as |z|^n e^{i n arg z}: a few real element-wise ops instead of a slow complex pow. Where
  // n·ln|z| < −760, |z|^n is below the least double and rounds to 0: such frequencies (past the
  // composed loss's width, most of them) are left 0 without their pow, atan2 and sincos.
  const auto spectrum = torch::fft::rfft(pmf);
  const auto magnitude = torch::abs(spectrum);
  const auto kept = (magnitude > std::exp(-760.0 / double(n))).nonzero();
  const long live = kept.numel() == 0 ? 0 : kept.max().item<long>() + 1;
  auto powered = torch::zeros_like(spectrum);
  if (live > 0)
    powered.narrow(0, 0, live)
        .copy_(torch::polar(torch::pow(magnitude.narrow(0, 0, live), double(n)),
                            torch::angle(spectrum.narrow(0, 0, live)) * double(n)));
  auto composed = torch::fft::irfft(powered, grid.size);
  // Grid indices start at tMin/dt ≈ 1 − size/2 per copy: re-centre the sum on the same grid.
  long roll = n - 1;
  if (n % 2 == 0) roll += grid.size / 2;
  composed = torch::roll(composed, roll % grid.size);
  grid.tMin += grid.shift * double(n - 1);
  grid.shift *= double(n);
  return composed;
}

/// Linear convolution of two PMFs on equal grids, keeping the centred window ("same").
torch::Tensor convolveSame(const torch::Tensor& a, const torch::Tensor& b) {
  const long n = a.size(0);
  const long full = 2 * n - 1;
  const auto fa = torch::fft::rfft(a, full), fb = torch::fft::rfft(b, full);
  const auto c = torch::fft::irfft(fa * fb, full);
  return c.narrow(0, (full - n) / 2, n).contiguous();
}

/// The FFT composition proper on a mesh for `epsError` (h non-empty, every σ > 0).
PrvEpsilon prvOnGrid(const PrivacyHistory& h, double delta, double epsError, double deltaError) {
  const long total = totalSteps(h);
  const double L = safeDomainHalfWidth(h, epsError, deltaError);
  const double mesh = epsError / std::sqrt(double(total) * std::log(12 / deltaError) / 2);
  if (2 * L / mesh > double(kMaxPrvGrid)) throw PrvFailure("the loss is too spread for a grid");
  const Grid base = alignedGrid(L, mesh);

  torch::Tensor pmf;
  Grid grid;
  for (const auto& p : h) {
    Grid g = base;
    auto composed = selfCompose(discretise(p, g), p.steps, g);
    if (!pmf.defined()) {
      pmf = composed;
      grid = g;
    } else {
      pmf = convolveSame(pmf, composed);
      grid.tMin += g.shift;
      grid.shift += g.shift;
    }
  }

  // δ(ε) = Σ_{t_i ≥ ε} p_i (1 − e^{ε − t_i}); tail sums d1 = Σ p, d2 = Σ p e^{−t}.
  const auto p = pmf.contiguous();
  const double* pp = p.data_ptr<double>();
  const long n = grid.size;
  const auto decay = (-gridPoints(grid, n)).exp();  // e^{−t_i}
  const double* ed = decay.data_ptr<double>();
  std::vector<double> d1(size_t(n) + 1, 0.0), d2(size_t(n) + 1, 0.0);
  for (long i = n - 1; i >= 0; --i) {
    d1[size_t(i)] = d1[size_t(i) + 1] + pp[i];
    d2[size_t(i)] = d2[size_t(i) + 1] + pp[i] * ed[i];
  }
  auto deltaAt = [&](long i) { return d1[size_t(i)] - std::exp(grid.at(i)) * d2[size_t(i)]; };
  auto epsilonAt = [&](double target) {
    // First grid point whose δ(t_i) ≤ target (δ(t) is non-increasing: binary search); there
    // ε solves d1 − e^ε d2 = target.
    long lo = 0, hi = n;
    while (lo < hi) {
      const long mid = (lo + hi) / 2;
      if (deltaAt(mid) <= target) hi = mid;
      else lo = mid + 1;
    }
    if (lo >= n || lo == 0) throw PrvFailure("ε lies beyond its grid");
    return std::log((d1[size_t(lo)] - target) / d2[size_t(lo)]);
  };
  PrvEpsilon r;
  r.gridSize = n;
  r.upper = std::max(0.0, epsilonAt(delta - deltaError) + epsError);
  r.lower = std::max(0.0, epsilonAt(delta + deltaError) - epsError);
  r.estimate = std::max(0.0, epsilonAt(delta));
  return r;
}

}  // namespace

double prvCdf(double q, double sigma, double t) {
  if (t <= std::log1p(-q)) return 0;
  const auto [a, b] = prvTails(q, sigma, t);
  return 1 - a - b;
}

PrvEpsilon prvEpsilon(const PrivacyHistory& history, double delta, double epsError, double deltaError) {
  if (deltaError <= 0) deltaError = delta / 1000;
  PrivacyHistory h;
  for (const auto& p : history)
    if (p.steps > 0 && p.sampleRate > 0) h.push_back(p);
  if (h.empty()) return {0, 0, 0, 0};
  for (const auto& p : h)
    if (p.noiseMultiplier == 0) return {kInf, kInf, kInf, 0};
  try {
    return prvOnGrid(h, delta, epsError, deltaError);
  } catch (const PrvFailure& e) {
    PrvEpsilon r;
    r.upper = r.estimate = rdpEpsilon(h, delta).epsilon;
    r.rdpFallback = e.what();
    return r;
  }
}

double prvGuideEpsilon(const PrivacyHistory& history, double delta) {
  constexpr double coarse = 20 * kPrvEpsError;
  const auto r = prvEpsilon(history, delta, coarse);
  // upper = ε(δ − δ_err) + slack: swap the coarse slack for the reported one.
  return r.rdpFallback.empty() ? std::max(0.0, r.upper - coarse + kPrvEpsError) : r.upper;
}

}  // namespace trustlab
