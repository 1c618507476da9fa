// trustlab-cli privacy: ε for a noise setting, σ for a target ε, and the inverse budget
// questions (steps, batch size), with any accountant.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_commands.h"
#include "privacy/accountant.h"
#include "privacy/calibration.h"
#include "privacy/privacy_history.h"
#include "util/errors.h"

namespace trustlab::cli {
namespace {

using nlohmann::json;

double required(const Args& a, const std::string& key) {
  if (!a.has(key)) throw InputError("--" + key, "is required");
  return a.getDouble(key, 0);
}

std::string accountantArg(const Args& a) {
  const std::string acc = a.get("accountant", kRdpAccountant);
  if (!accountantRegistry().contains(acc)) throw InputError("--accountant", accountantRegistry().unknownMessage(acc));
  return acc;
}

/// --steps, or ⌊--epochs / q⌋.
long stepsArg(const Args& a, double q) {
  if (a.has("steps") == a.has("epochs")) throw InputError("--steps", "give exactly one of --steps and --epochs");
  if (a.has("steps")) {
    const long steps = a.getLong("steps", 0);
    if (steps < 0) throw InputError("--steps", "must be ≥ 0");
    return steps;
  }
  return stepsForEpochs(a.getDouble("epochs", 0), q);
}

void print(const Args& a, const json& j, const std::string& human) {
  if (a.has("json")) std::cout << j.dump() << std::endl;
  else std::printf("%s\n", human.c_str());
}

}  // namespace

int privacyCommand(const std::vector<std::string>& argv) {
  if (argv.empty()) throw InputError("privacy", "expects a subcommand: epsilon, noise, steps, batch");
  const std::string sub = argv[0];
  const Args a(std::vector<std::string>(argv.begin() + 1, argv.end()),
               {"sample-rate", "noise-multiplier", "steps", "epochs", "delta", "accountant", "target-epsilon",
                "dataset-size"},
               {"json"});
  const std::string accountant = accountantArg(a);
  const double delta = required(a, "delta");
  char buf[256];
  if (sub == "epsilon") {
    const double q = required(a, "sample-rate"), sigma = required(a, "noise-multiplier");
    const long steps = stepsArg(a, q);
    const auto r = computeEpsilon(accountant, {{sigma, q, steps}}, delta);
    json j = {{"epsilon", r.epsilon}, {"accountant", accountant}, {"steps", steps}, {"delta", delta}};
    if (r.order > 0) j["order"] = r.order;  // the RDP order that gave the bound
    if (!r.warning.empty()) {
      j["warning"] = r.warning;
      std::cerr << "warning: " << r.warning << "\n";
    }
    const std::string& caveat = accountantRegistry().at(accountant).caveat;
    std::snprintf(buf, sizeof buf, "ε = %.6f at δ = %g after %ld steps (%s%s)", r.epsilon, delta, steps,
                  accountant.c_str(), caveat.empty() ? "" : (", " + caveat).c_str());
    print(a, j, buf);
    return 0;
  }
  if (sub == "noise") {
    const double target = required(a, "target-epsilon"), q = required(a, "sample-rate");
    const long steps = stepsArg(a, q);
    const auto c = calibrateNoise(target, delta, q, steps, accountant);
    std::snprintf(buf, sizeof buf, "σ = %.6f gives ε = %.6f ≤ %g at δ = %g over %ld steps (%s)", c.noiseMultiplier,
                  c.epsilon, target, delta, steps, accountant.c_str());
    print(a, {{"noise_multiplier", c.noiseMultiplier}, {"epsilon", c.epsilon}, {"steps", steps},
              {"accountant", accountant}, {"delta", delta}},
          buf);
    return 0;
  }
  if (sub == "steps") {
    const double target = required(a, "target-epsilon"), q = required(a, "sample-rate"),
                 sigma = required(a, "noise-multiplier");
    const long steps = maxStepsForBudget(target, delta, q, sigma, accountant);
    std::snprintf(buf, sizeof buf, "%ld steps (%.2f epochs) fit ε ≤ %g at σ = %g, q = %g (%s)", steps,
                  double(steps) * q, target, sigma, q, accountant.c_str());
    print(a, {{"steps", steps}, {"epochs", double(steps) * q}, {"accountant", accountant}}, buf);
    return 0;
  }
  if (sub == "batch") {
    const double target = required(a, "target-epsilon"), sigma = required(a, "noise-multiplier");
    const long n = long(required(a, "dataset-size"));
    const double epochs = required(a, "epochs");
    const long batch = maxBatchSizeForBudget(target, delta, n, epochs, sigma, accountant);
    std::snprintf(buf, sizeof buf, "batch size %ld (q = %g) keeps %g epochs within ε ≤ %g at σ = %g (%s)", batch,
                  double(batch) / double(n), epochs, target, sigma, accountant.c_str());
    print(a, {{"batch_size", batch}, {"sample_rate", double(batch) / double(n)}, {"accountant", accountant}}, buf);
    return 0;
  }
  throw InputError("privacy " + sub, "unknown subcommand (epsilon, noise, steps, batch)");
}

}  // namespace trustlab::cli
