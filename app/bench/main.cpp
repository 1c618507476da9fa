// trustlab-bench: performance suites, each timed in-process (warm-up excluded, median of repeats)
// and printed as one JSON object with --json. `train --pytorch` also runs the same model written
// in PyTorch eager (scripts/bench_pytorch.py, Debian's python3-torch) in the same run, for a ratio.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "layers/tracked_layers.h"
#include "models/fine_tuning.h"
#include "models/hf_transformer.h"
#include "models/model_factory.h"
#include "data/batching.h"
#include "fl_suite.h"
#include "peak_memory.h"
#include "plugins/plugin_loader.h"
#include "privacy/calibration.h"
#include "privacy/gaussian_noise.h"
#include "privacy/per_example_clipping.h"
#include "privacy/privacy_history.h"
#include "trustlab_build_info.h"
#include "util/errors.h"
#include "util/runtime.h"
#include "util/text.h"
#include "../cli/args.h"
#include "store_suite.h"
#include "suite_help.h"
#include "timing.h"

namespace {

using trustlab::bench::median;
using trustlab::bench::timeMedian;

using nlohmann::json;
using trustlab::InputError;

struct TrainBenchConfig {
  std::string model = "bilstm";
  long batch = 256, seqLen = 32, vocab = 10000, dim = 128, classes = 60, warmup = 5, steps = 30;
  std::string device = "cpu";
  std::string hfConfig;  ///< a Hugging Face config.json: that model's shapes, random weights (replaces --model)
  trustlab::FineTuningConfig fineTuning;
};

/// Seconds per optimizer step (forward, cross-entropy, backward, Adam) on random full-length data.
/// The benchmarked model (same seed and sizes in every suite) and one random full-length batch.
struct BenchSetup {
  trustlab::TextClassifierPtr model;
  trustlab::Batch batch;
};

/// A classifier of an hf config's shapes, random weights (Hugging Face's initialisation), dropout off
/// as in the PyTorch twin, in the chosen fine-tuning mode.
trustlab::TextClassifierPtr makeHfBenchModel(const TrainBenchConfig& c) {
  auto config = trustlab::HfConfig::fromFile(c.hfConfig);
  config.hiddenDropout = config.attentionDropout = 0;
  trustlab::HfClassifier model(config, c.classes, trustlab::defaultPooling(config));
  trustlab::applyFineTuning(*model, model->body, model->headParameters(), c.fineTuning);
  return model.ptr();
}

BenchSetup makeBenchSetup(const TrainBenchConfig& c, const torch::Device& device) {
  torch::manual_seed(0);
  trustlab::ModelConfig mc;
  mc.type = c.model;
  mc.embeddingDim = c.dim;
  mc.hiddenSize = 128;
  mc.heads = 4;
  mc.ffnDim = 512;
  BenchSetup s{c.hfConfig.empty() ? trustlab::makeClassifier(mc, c.vocab, c.classes, c.seqLen) : makeHfBenchModel(c), {}};
  s.model->to(device);
  s.model->train();
  s.batch.ids = torch::randint(2, c.vocab, {c.batch, c.seqLen}, torch::TensorOptions(torch::kLong)).to(device);
  s.batch.lengths = torch::full({c.batch}, c.seqLen, torch::kLong).to(device);
  s.batch.labels = torch::randint(0, c.classes, {c.batch}, torch::TensorOptions(torch::kLong)).to(device);
  return s;
}

double benchTrainStep(const TrainBenchConfig& c) {
  const auto device = trustlab::parseDevice(c.device);
  auto [model, batch] = makeBenchSetup(c, device);
  torch::optim::Adam opt(trustlab::trainableParameters(*model), torch::optim::AdamOptions(1e-3));
  const auto &ids = batch.ids, &lengths = batch.lengths, &labels = batch.labels;
  const bool cuda = device.is_cuda();
  auto step = [&] {
    opt.zero_grad();
    const auto loss = torch::nn::functional::cross_entropy(model->forward(ids, lengths), labels);
    loss.backward();
    opt.step();
    if (cuda) torch::cuda::synchronize();
  };
  for (long i = 0; i < c.warmup; ++i) step();
  std::vector<double> times;
  for (long i = 0; i < c.steps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    step();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return median(times);
}

std::string pytorchScript() {
  namespace fs = std::filesystem;
  for (const fs::path p : {fs::path(TRUSTLAB_SOURCE_DIR) / "scripts/bench_pytorch.py",
                           fs::read_symlink("/proc/self/exe").parent_path() / "../share/trustlab/bench_pytorch.py"})
    if (fs::exists(p)) return p.string();
  throw std::runtime_error("bench_pytorch.py not found next to the sources or the installation");
}

/// The PyTorch twin's OpenBLAS threads: as Debian installs it (a pool of one thread per core
/// beside LibTorch's OpenMP threads, where the two fight) or on the calling thread, as this
/// process runs them (configureThreads) and PyTorch's best setting here.
enum class TwinBlas { asInstalled, callingThread };

/// Runs the PyTorch eager twin of the benchmark (with `extra` flags, e.g. --opacus); returns its JSON.
json runPytorch(const TrainBenchConfig& c, int threads, TwinBlas blas, const std::string& extra = "") {
  const char* py = std::getenv("TRUSTLAB_PYTHON");
  std::string cmd = std::string(blas == TwinBlas::callingThread ? "OPENBLAS_NUM_THREADS=1 " : "env -u OPENBLAS_NUM_THREADS ") +
                    (py && *py ? py : "/usr/bin/python3") + " " + pytorchScript() + " --model " + c.model +
                    " --batch " + std::to_string(c.batch) + " --seq-len " + std::to_string(c.seqLen) + " --vocab " +
                    std::to_string(c.vocab) + " --dim " + std::to_string(c.dim) + " --classes " +
                    std::to_string(c.classes) + " --warmup " + std::to_string(c.warmup) + " --steps " +
                    std::to_string(c.steps) + " --device " + c.device + " --threads " + std::to_string(threads) +
                    (c.hfConfig.empty() ? "" : " --hf-config '" + c.hfConfig + "'") + extra;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot start: " + cmd);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  if (pclose(pipe) != 0) throw std::runtime_error("PyTorch benchmark failed: " + cmd);
  return json::parse(out);
}

void requireFullFineTuning(const TrainBenchConfig& c, const char* flag) {
  if (c.fineTuning.mode != "full") throw InputError(flag, "the PyTorch twin fine-tunes fully (--fine-tuning full)");
}

/// The shared shape flags of the train and dp suites.
const std::set<std::string> kShapeFlags = {"model", "batch", "seq-len", "vocab", "dim", "classes", "device", "steps",
                                           "warmup", "threads", "hf-config", "fine-tuning", "lora-rank", "top-layers"};

TrainBenchConfig shapeFromArgs(const trustlab::cli::Args& a, long defaultSteps) {
  TrainBenchConfig c;
  c.model = a.get("model", c.model);
  c.batch = a.getLong("batch", c.batch);
  c.seqLen = a.getLong("seq-len", c.seqLen);
  c.vocab = a.getLong("vocab", c.vocab);
  c.dim = a.getLong("dim", c.dim);
  c.classes = a.getLong("classes", c.classes);
  c.device = a.get("device", c.device);
  c.steps = a.getLong("steps", defaultSteps);
  c.warmup = a.getLong("warmup", c.warmup);
  c.hfConfig = a.get("hf-config");
  c.fineTuning.mode = a.get("fine-tuning", c.fineTuning.mode);
  c.fineTuning.loraRank = a.getLong("lora-rank", c.fineTuning.loraRank);
  c.fineTuning.topLayers = a.getLong("top-layers", c.fineTuning.topLayers);
  if (!c.hfConfig.empty()) {
    const auto hf = trustlab::HfConfig::fromFile(c.hfConfig);
    c.model = "hf:" + hf.modelType;
    c.vocab = hf.vocabSize;
    c.dim = hf.hiddenSize;
    if (a.has("fine-tuning") && !trustlab::fineTuningModeRegistry().contains(c.fineTuning.mode))
      throw InputError("--fine-tuning", "one of " + trustlab::joinNames(trustlab::fineTuningModeRegistry().names()));
  } else if (a.has("fine-tuning")) {
    throw InputError("--fine-tuning", "applies to a pretrained model's shapes (--hf-config)");
  }
  if (c.batch < 1 || c.seqLen < 1 || c.vocab < 3 || c.dim < 1 || c.classes < 2 || c.steps < 1 || c.warmup < 0)
    throw InputError("trustlab-bench", "sizes must be positive (vocab ≥ 3, classes ≥ 2)");
  return c;
}

std::set<std::string> withFlags(std::set<std::string> s, std::initializer_list<const char*> more) {
  for (const char* m : more) s.insert(m);
  return s;
}

int trainSuite(const std::vector<std::string>& argv) {
  const trustlab::cli::Args a(argv, kShapeFlags, {"json", "pytorch"},
                              trustlab::bench::suiteHelp("train", "Seconds per plain training step of a model."));
  const TrainBenchConfig c = shapeFromArgs(a, 30);
  const int threads = trustlab::configureThreads(int(a.getLong("threads", 0)));
  json result = {{"suite", "train"}, {"model", c.model}, {"batch", c.batch}, {"seq_len", c.seqLen},
                 {"vocab", c.vocab}, {"dim", c.dim}, {"classes", c.classes}, {"device", c.device},
                 {"threads", threads}, {"libtorch", TORCH_VERSION}};
  if (!c.hfConfig.empty()) result["fine_tuning"] = c.fineTuning.mode;
  const double seconds = benchTrainStep(c);
  result["seconds_per_step"] = seconds;
  if (a.has("pytorch")) {
    requireFullFineTuning(c, "--pytorch");
    // Both BLAS settings; the ratio is against PyTorch at its better one.
    result["pytorch"] = runPytorch(c, threads, TwinBlas::callingThread);
    result["pytorch_as_installed"] = runPytorch(c, threads, TwinBlas::asInstalled);
    const double one = result["pytorch"]["seconds_per_step"], installed = result["pytorch_as_installed"]["seconds_per_step"];
    result["ratio_vs_pytorch"] = seconds / std::min(one, installed);
    result["ratio_vs_pytorch_as_installed"] = seconds / installed;
  }
  if (a.has("json")) {
    std::cout << result.dump() << std::endl;
  } else {
    std::printf("%s on %s: %.2f ms/step", c.model.c_str(), c.device.c_str(), seconds * 1e3);
    if (result.contains("pytorch"))
      std::printf(" (PyTorch eager %.2f ms/step with OpenBLAS on the calling thread, %.2f as installed; ratio %.3f "
                  "against the better)",
                  result["pytorch"]["seconds_per_step"].get<double>() * 1e3,
                  result["pytorch_as_installed"]["seconds_per_step"].get<double>() * 1e3,
                  result["ratio_vs_pytorch"].get<double>());
    std::printf("\n");
  }
  return 0;
}

/// Seconds per private step for one clipping mode on the train-suite shapes: nondp (plain step),
/// edp (tape + ghost norms + book-keeping), naive (one example at a time). All modes in one process;
/// --opacus also times Opacus's private step on the PyTorch twin (skipped, with the reason, where
/// Opacus is absent or its per-example gradients would not fit in memory).
int dpSuite(const std::vector<std::string>& argv) {
  const trustlab::cli::Args a(argv, withFlags(kShapeFlags, {"mode", "naive-steps"}), {"json", "secure", "opacus"},
                              trustlab::bench::suiteHelp("dp", "Seconds per private step: non-private, eDP-SGD and naive."));
  const TrainBenchConfig c = shapeFromArgs(a, 10);
  const int threads = trustlab::configureThreads(int(a.getLong("threads", 0)));
  const auto device = trustlab::parseDevice(c.device);
  trustlab::bench::PeakMemory::installCpuCounter();  // before the model: its weights count too
  auto [model, batch] = makeBenchSetup(c, device);
  const auto trainable = trustlab::trainableParameters(*model);
  torch::optim::Adam opt(trainable, torch::optim::AdamOptions(1e-3));
  trustlab::ClippingConfig clip;
  // --secure: the noise of secure mode (ChaCha20, snapped; privacy/secure_noise.h).
  trustlab::GaussianNoise noise = a.has("secure") ? trustlab::GaussianNoise(std::make_shared<trustlab::SecureNoise>())
                                                  : trustlab::GaussianNoise(0, device);
  const bool cuda = device.is_cuda();
  auto stepFor = [&](const std::string& mode) {
    return [&, mode] {
      opt.zero_grad();
      if (mode == "nondp") {
        torch::nn::functional::cross_entropy(model->forward(batch.ids, batch.lengths), batch.labels).backward();
      } else {
        const auto r = mode == "edp" ? trustlab::clippedGradientSum(*model, batch, clip)
                                     : trustlab::naiveClippedGradientSum(*model, batch, clip);
        for (auto p : trainable) noise.addTo(p.mutable_grad(), 1.0, 1.0 / double(c.batch));  // as a private step
      }
      opt.step();
      if (cuda) torch::cuda::synchronize();
    };
  };
  json r = {{"suite", "dp"}, {"model", c.model}, {"batch", c.batch}, {"seq_len", c.seqLen}, {"vocab", c.vocab},
            {"dim", c.dim}, {"classes", c.classes}, {"device", c.device}, {"threads", threads},
            {"secure", a.has("secure")}};
  if (!c.hfConfig.empty()) r["fine_tuning"] = c.fineTuning.mode;
  // --mode nondp,edp: some of the modes (naive is slow on large models), in this order.
  const std::vector<std::string> modes = a.has("mode") ? trustlab::split(a.get("mode"), ',')
                                                       : std::vector<std::string>{"nondp", "edp", "naive"};
  // Peak memory from one step of each mode alone (its warm-up); then the fast modes' steps take
  // turns, their ratio measured within each round so that the machine's drift falls on both alike;
  // naive (slow) on its own.
  std::vector<std::string> fast;
  std::vector<std::function<void()>> fastSteps;
  for (const auto& mode : modes) {
    if (mode != "nondp" && mode != "edp" && mode != "naive") throw InputError("--mode", "nondp, edp or naive");
    if (cuda) torch::cuda::synchronize();
    trustlab::bench::PeakMemory::reset(device);
    stepFor(mode)();
    r[mode]["peak_memory_bytes"] = trustlab::bench::PeakMemory::peak(device);
    if (mode == "naive") {
      const auto times = trustlab::bench::interleavedTimes({stepFor(mode)}, int(a.getLong("naive-steps", 2)));
      r[mode]["seconds_per_step"] = trustlab::bench::median(times[0]);
    } else {
      fast.push_back(mode);
      fastSteps.push_back(stepFor(mode));
    }
  }
  const auto times = trustlab::bench::interleavedTimes(fastSteps, int(c.steps));
  for (size_t k = 0; k < fast.size(); ++k) r[fast[k]]["seconds_per_step"] = trustlab::bench::median(times[k]);
  const auto nondp = std::find(fast.begin(), fast.end(), "nondp"), edp = std::find(fast.begin(), fast.end(), "edp");
  if (nondp != fast.end() && edp != fast.end())
    r["edp_over_nondp"] = trustlab::bench::medianRatio(times[size_t(edp - fast.begin())], times[size_t(nondp - fast.begin())]);
  if (r.contains("naive") && r.contains("edp"))
    r["naive_over_edp"] = r["naive"]["seconds_per_step"].get<double>() / r["edp"]["seconds_per_step"].get<double>();
  if (a.has("opacus")) {
    requireFullFineTuning(c, "--opacus");
    r["opacus"] = runPytorch(c, threads, TwinBlas::callingThread, " --opacus");
    if (r["opacus"].contains("seconds_per_step") && r.contains("edp"))
      r["opacus_over_edp"] = r["opacus"]["seconds_per_step"].get<double>() / r["edp"]["seconds_per_step"].get<double>();
  }
  if (modes.size() == 1) {
    r["seconds_per_step"] = r[modes[0]]["seconds_per_step"];
    r["peak_memory_bytes"] = r[modes[0]]["peak_memory_bytes"];
  }
  std::cout << (a.has("json") ? r.dump() : r.dump(2)) << std::endl;
  return 0;
}

/// Accountant speed on the slider's workload: q = 256/60000, δ = 1e-5, 10 epochs, target ε = 3.
int accountantSuite(const std::vector<std::string>& argv) {
  const trustlab::cli::Args a(argv, {"repeats", "threads"}, {"json"},
                              trustlab::bench::suiteHelp("accountant", "Accountant and calibration speed on the slider's workload."));
  const int threads = trustlab::configureThreads(int(a.getLong("threads", 0)));
  const int repeats = int(a.getLong("repeats", 5));
  const double q = 256.0 / 60000, delta = 1e-5, target = 3;
  const long steps = trustlab::stepsForEpochs(10, q);
  const double sigma = trustlab::calibrateNoise(target, delta, q, steps, trustlab::kRdpAccountant).noiseMultiplier;
  json r = {{"suite", "accountant"}, {"sample_rate", q}, {"delta", delta}, {"steps", steps},
            {"target_epsilon", target}, {"threads", threads}};
  // Each timed call asks about a σ or target never asked before, as a moving slider does: the RDP
  // accountant caches its per-step orders per (σ, q), and a repeated question would time the cache.
  int moves = 0;
  const auto moved = [&moves](double x) { return x * (1 + 1e-7 * ++moves); };
  for (const std::string& acc : trustlab::accountantNames()) {
    r[acc + "_epsilon_seconds"] =
        timeMedian([&] { trustlab::computeEpsilon(acc, {{moved(sigma), q, steps}}, delta); }, repeats);
    r[acc + "_calibration_seconds"] =
        timeMedian([&] { trustlab::calibrateNoise(moved(target), delta, q, steps, acc); }, repeats);
    const auto c = trustlab::calibrateNoise(target, delta, q, steps, acc);
    r[acc + "_noise_multiplier"] = c.noiseMultiplier;
    r[acc + "_calibration_evaluations"] = c.evaluations;
    r[acc + "_calibration_guide_evaluations"] = c.guideEvaluations;
  }
  if (a.has("json")) {
    std::cout << r.dump() << std::endl;
  } else {
    for (const std::string& acc : trustlab::accountantNames())
      std::printf("%s: ε %.2f ms, calibration %.2f ms (σ = %.6f, %d evaluations, %d of its guide)\n", acc.c_str(),
                  r[acc + "_epsilon_seconds"].get<double>() * 1e3, r[acc + "_calibration_seconds"].get<double>() * 1e3,
                  r[acc + "_noise_multiplier"].get<double>(), r[acc + "_calibration_evaluations"].get<int>(),
                  r[acc + "_calibration_guide_evaluations"].get<int>());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // A plugin's model can be benchmarked like a built-in one.
  trustlab::loadPluginsWarningOnStderr("trustlab-bench");
  if (args.empty()) {
    std::fprintf(stderr,
                 "usage: trustlab-bench train --model %s [--batch 256] [--seq-len 32]\n"
                 "       [--vocab 10000] [--dim 128] [--classes 60] [--device cpu|cuda] [--steps 30]\n"
                 "       [--warmup 5] [--threads N] [--pytorch] [--json]\n"
                 "       trustlab-bench train|dp --hf-config CONFIG.json [--fine-tuning %s]\n"
                 "                         [--lora-rank 8] [--top-layers 1] ... (a pretrained model's shapes, random weights)\n"
                 "       trustlab-bench accountant [--repeats 5] [--json]\n"
                 "       trustlab-bench dp --model M [--mode nondp,edp,naive] [--batch 256] [--seq-len 32] [--steps 10]\n"
                 "                         [--device cpu|cuda] [--secure] [--opacus] [--json]\n"
                 "                         (--secure: secure mode's noise; --opacus: Opacus 1.4's step, same shapes)\n"
                 "       trustlab-bench fl [--population 10000] [--clients-per-round 100] [--rounds 5]\n"
                 "                         [--mean-examples 10] [--model bag] [--local-batch 16] [--json]\n"
                 "       trustlab-bench store [--runs 2000] [--repeats 5] [--json]\n",
                 trustlab::joinNames(trustlab::modelRegistry().names(), "|").c_str(),
                 trustlab::joinNames(trustlab::fineTuningModeRegistry().names(), "|").c_str());
    return 2;
  }
  const std::string suite = args[0];
  args.erase(args.begin());
  try {
    if (suite == "train") return trainSuite(args);
    if (suite == "accountant") return accountantSuite(args);
    if (suite == "dp") return dpSuite(args);
    if (suite == "fl") return trustlab::bench::flSuite(args);
    if (suite == "store") return trustlab::bench::storeSuite(args);
    std::fprintf(stderr, "trustlab-bench: unknown suite '%s'\n", suite.c_str());
    return 2;
  } catch (const trustlab::cli::HelpRequested& e) {
    std::cout << e.what();
    return 0;
  } catch (const InputError& e) {
    std::fprintf(stderr, "trustlab-bench: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trustlab-bench: failed: %s\n", e.what());
    return 1;
  }
}
