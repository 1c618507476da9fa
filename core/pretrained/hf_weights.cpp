#include "pretrained/hf_weights.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>

#include "layers/tracked_layers.h"
#include "pretrained/safetensors.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

/// GPT-2's projections are Hugging Face Conv1D layers, whose weight is [in, out] (nn.Linear's transpose).
bool isConv1DWeight(const std::string& modelType, const std::string& name) {
  if (modelType != "gpt2") return false;
  for (const char* layer : {"attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight"})
    if (endsWith(name, layer)) return true;
  return false;
}

}  // namespace

std::string shapeText(at::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

long long hfParameterCount(const SafetensorsFile& file, const std::string& modelType) {
  long long parameters = 0;
  for (const auto& name : file.names()) {
    if (isHfBuffer(modelType, name)) continue;
    long long n = 1;
    for (auto d : file.entry(name).shape) n *= d;
    parameters += n;
  }
  return parameters;
}

std::unique_ptr<SafetensorsFile> openHfWeights(const HfModelFolder& folder) {
  if (!endsWith(folder.weights, ".safetensors"))
    throw InputError(folder.weights, "LibTorch cannot read torch.save'd state dicts: convert it to model.safetensors "
                                     "(e.g. safetensors.torch.save_file(torch.load(f), \"model.safetensors\"))");
  return std::make_unique<SafetensorsFile>(folder.weights);
}

WeightMatch loadHfWeights(torch::nn::Module& model, const std::string& modelType, const SafetensorsFile& file,
                          const std::vector<std::string>& optional) {
  auto parameters = model.named_parameters();
  std::vector<std::string> expected;
  for (const auto& p : parameters) expected.push_back(p.key());
  auto match = matchHfWeights(modelType, expected, file.names());
  std::vector<std::string> missing;
  for (const auto& name : match.missing) {
    if (std::find(optional.begin(), optional.end(), name) == optional.end())
      throw InputError(file.path(), "the checkpoint has no tensor '" + name + "', which a " + modelType + " model needs");
    missing.push_back(name);
  }
  match.missing = missing;
  // Buffers Hugging Face saves beside the weights are not weights the model lacks.
  match.unused.erase(std::remove_if(match.unused.begin(), match.unused.end(),
                                    [&](const std::string& n) { return isHfBuffer(modelType, n); }),
                     match.unused.end());
  torch::NoGradGuard noGrad;
  for (auto& p : parameters) {
    const auto it = match.source.find(p.key());
    if (it == match.source.end()) continue;
    auto value = file.tensor(it->second, p.value().scalar_type());
    if (isConv1DWeight(modelType, it->second) && value.dim() == 2) value = value.t();
    if (value.sizes() != p.value().sizes())
      throw InputError(file.path(), "tensor '" + it->second + "' has shape " + shapeText(value.sizes()) +
                                        ", the model expects " + shapeText(p.value().sizes()));
    p.value().copy_(value);
  }
  return match;
}

void saveHfWeights(const torch::nn::Module& model, const std::string& modelType, const std::string& path) {
  // LoRA adapters are folded into their layers' weights: the file is a plain model of the family.
  std::map<std::string, torch::Tensor> merged;
  for (const auto& m : model.named_modules("", /*include_self=*/false))
    if (const auto* linear = m.value()->as<TrackedLinearImpl>(); linear && linear->hasLowRankAdapter())
      merged[m.key() + ".weight"] = linear->mergedWeight();
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& p : model.named_parameters()) {
    if (p.key().find(".lora_A.") != std::string::npos || p.key().find(".lora_B.") != std::string::npos) continue;
    const auto it = merged.find(p.key());
    auto value = (it != merged.end() ? it->second : p.value()).detach().cpu();
    if (isConv1DWeight(modelType, p.key())) value = value.t();
    tensors.emplace_back(p.key(), value.contiguous());
  }
  writeSafetensors(path, tensors, {{"format", "pt"}});
}

}  // namespace trustlab
