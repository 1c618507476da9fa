#include "training/training_state.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/errors.h"
#include "util/private_files.h"

namespace trustlab {
namespace {

constexpr int kFormat = 1;

void writeTensors(torch::serialize::OutputArchive& archive, const std::string& name,
                  const std::vector<torch::Tensor>& tensors) {
  torch::serialize::OutputArchive list;
  for (size_t i = 0; i < tensors.size(); ++i) list.write(std::to_string(i), tensors[i]);
  archive.write(name, list);
}

/// `onCpu`: generator states, which stay on the CPU whatever device the archive is read to.
std::vector<torch::Tensor> readTensors(torch::serialize::InputArchive& archive, const std::string& name, size_t count,
                                       bool onCpu = false) {
  torch::serialize::InputArchive list;
  archive.read(name, list);
  std::vector<torch::Tensor> tensors(count);
  for (size_t i = 0; i < count; ++i) {
    list.read(std::to_string(i), tensors[i]);
    if (onCpu) tensors[i] = tensors[i].cpu();
  }
  return tensors;
}

nlohmann::json metaOf(const TrainingState& s) {
  return {{"format", kFormat},
          {"step", s.step},
          {"running_loss", s.runningLoss},
          {"running_correct", s.runningCorrect},
          {"running_count", s.runningCount},
          {"best_accuracy", s.bestAccuracy},
          {"evals_without_gain", s.evalsWithoutGain},
          {"best_step", s.bestStep},
          {"best_valid", {s.bestValid.loss, s.bestValid.accuracy, s.bestValid.macroF1, s.bestValid.examples}},
          {"clip_norm", s.privacy.clipNorm},
          {"tensors", {s.best.size(), s.generators.size(), s.privacy.generators.size()}}};
}

TrainingState stateOf(const nlohmann::json& m) {
  if (m.at("format").get<int>() != kFormat) throw std::invalid_argument("unknown format");
  TrainingState s;
  s.step = m.at("step");
  s.runningLoss = m.at("running_loss");
  s.runningCorrect = m.at("running_correct");
  s.runningCount = m.at("running_count");
  s.bestAccuracy = m.at("best_accuracy");
  s.evalsWithoutGain = m.at("evals_without_gain");
  s.bestStep = m.at("best_step");
  const auto& b = m.at("best_valid");
  s.bestValid = {b.at(0), b.at(1), b.at(2), b.at(3)};
  s.privacy.clipNorm = m.at("clip_norm");
  return s;
}

/// Reads the archive at `path` and runs `read` on it and its metadata, with every failure an
/// InputError naming the file.
template <class Read>
auto readState(const std::string& path, const torch::Device& device, Read&& read) {
  if (!std::filesystem::exists(path)) throw InputError(path, "no resume state saved");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, device);
    c10::IValue meta;
    archive.read("meta", meta);
    return read(archive, nlohmann::json::parse(meta.toStringRef()));
  } catch (const c10::Error& e) {
    throw InputError(path, std::string("unreadable resume state: ") + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw InputError(path, std::string("unreadable resume state: ") + e.what());
  }
}

}  // namespace

void saveTrainingState(const std::string& path, const TrainingState& state, const torch::nn::Module& model,
                       const torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive, modelArchive, optimizerArchive;
  model.save(modelArchive);
  optimizer.save(optimizerArchive);
  archive.write("model", modelArchive);
  archive.write("optimizer", optimizerArchive);
  writeTensors(archive, "best", state.best);
  writeTensors(archive, "generators", state.generators);
  writeTensors(archive, "privacy", state.privacy.generators);
  archive.write("meta", c10::IValue(metaOf(state).dump()));
  const std::string tmp = path + ".tmp";
  try {
    createPrivateDirectories(std::filesystem::path(path).parent_path());
    archive.save_to(tmp);
    std::filesystem::rename(tmp, path);  // atomic: the old state stays whole until this
  } catch (const std::exception& e) {
    throw InputError(path, std::string("cannot save the resume state: ") + e.what());
  }
}

long savedStep(const std::string& path) {
  return readState(path, torch::kCPU, [](torch::serialize::InputArchive&, const nlohmann::json& m) { return stateOf(m).step; });
}

TrainingState loadTrainingState(const std::string& path, torch::nn::Module& model,
                                torch::optim::Optimizer& optimizer, const torch::Device& device) {
  return readState(path, device, [&](torch::serialize::InputArchive& archive, const nlohmann::json& m) {
    torch::serialize::InputArchive modelArchive, optimizerArchive;
    TrainingState s = stateOf(m);
    const auto& counts = m.at("tensors");
    s.best = readTensors(archive, "best", counts.at(0));
    s.generators = readTensors(archive, "generators", counts.at(1), true);
    s.privacy.generators = readTensors(archive, "privacy", counts.at(2), true);
    archive.read("model", modelArchive);
    archive.read("optimizer", optimizerArchive);
    model.load(modelArchive);
    optimizer.load(optimizerArchive);
    return s;
  });
}

std::vector<torch::Tensor> defaultGeneratorStates(const torch::Device& device) {
  std::vector<torch::Tensor> s{at::globalContext().defaultGenerator(torch::kCPU).get_state()};
  if (!device.is_cpu()) s.push_back(at::globalContext().defaultGenerator(device).get_state());
  return s;
}

void restoreDefaultGenerators(const torch::Device& device, const std::vector<torch::Tensor>& states) {
  if (states.size() != (device.is_cpu() ? 1u : 2u))
    throw InputError("training.device", "the resume state was saved on another kind of device");
  // A Generator is a handle: a copy sets the state of the default generator itself.
  at::Generator cpu = at::globalContext().defaultGenerator(torch::kCPU);
  cpu.set_state(states[0]);
  if (device.is_cpu()) return;
  at::Generator onDevice = at::globalContext().defaultGenerator(device);
  onDevice.set_state(states[1]);
}

}  // namespace trustlab
