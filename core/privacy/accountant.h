// core/privacy: the accountant interface. An accountant composes the Gaussian-mechanism phases
// of a run (σ, Poisson rate q, steps) and answers ε at a δ. Every place that reports ε — the live
// ε of a training run, the per-round ε of a federated run, the ledger, calibration, budget curves,
// sweeps and the GUI — asks the accountant the run chose, found by name in accountantRegistry().
// In the spirit of Opacus' accountants/accountant.py; RDP, PRV and GDP are registered in
// accountant.cpp, a plugin may add more.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "config/registry.h"
#include "privacy/privacy_history.h"

namespace trustlab {

class Accountant {
 public:
  virtual ~Accountant() = default;
  /// Adds `steps` steps of the Poisson-subsampled Gaussian mechanism with noise multiplier σ and
  /// sampling rate q (a phase equal to the last one extends it).
  void compose(double noiseMultiplier, double sampleRate, long steps);
  /// ε of everything composed so far at δ (0 before any step); InputError for a bad δ.
  double epsilon(double delta) const { return epsilonResult(delta).epsilon; }
  EpsilonResult epsilonResult(double delta) const;
  const PrivacyHistory& history() const { return history_; }
  long steps() const { return totalSteps(history_); }
  /// The registry name ("rdp").
  const std::string& name() const { return name_; }

 protected:
  /// ε of `history` (non-empty, validated) at δ.
  virtual EpsilonResult epsilonOf(const PrivacyHistory& history, double delta) const = 0;

 private:
  friend std::unique_ptr<Accountant> makeAccountant(const std::string& name);
  PrivacyHistory history_;
  std::string name_;
};

struct AccountantEntry {
  std::function<std::unique_ptr<Accountant>()> make;
  std::string label;  ///< for legends: "PRV (upper bound)"
  /// Shown next to its ε when it is an approximation rather than a bound ("CLT approximation").
  std::string caveat;
  /// Each ε is a full composition (PRV's FFT): computed after the cheap ones, at fewer points.
  bool costly = false;
  /// A fast approximation of this accountant's ε (of a history at δ) that moves with it as σ
  /// moves: searches (noise calibration) steer by it and check with the accountant itself.
  /// Never reported. Null: the accountant is fast already.
  std::function<double(const PrivacyHistory&, double delta)> guide;
};

/// rdp, prv, gdp and any added by plugins (the spec field privacy.accountant chooses).
Registry<AccountantEntry>& accountantRegistry();

/// A fresh accountant; InputError naming privacy.accountant for an unknown name.
std::unique_ptr<Accountant> makeAccountant(const std::string& name);

}  // namespace trustlab
