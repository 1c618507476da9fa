// core/pretrained: a model's parameters to and from a Hugging Face weight file. The model names its
// parameters as Hugging Face does (models/hf_transformer.h), so loading is matching names
// (pretrained/hf_config.h: bare or prefixed, missing and unused listed), checking shapes and
// copying; GPT-2's Conv1D weights are stored [in, out] and transposed on the way in and out.
#pragma once
#include <torch/nn/module.h>

#include <memory>
#include <string>

#include "pretrained/hf_config.h"

namespace trustlab {

class SafetensorsFile;

/// The folder's weight file, opened (memory-mapped). A pytorch_model.bin gets an InputError saying
/// how to convert it: LibTorch 1.13's unpickler cannot read torch.save'd state dicts.
std::unique_ptr<SafetensorsFile> openHfWeights(const HfModelFolder& folder);

/// The parameters a weight file of `modelType` holds: its tensors' elements, buffers not counted.
long long hfParameterCount(const SafetensorsFile& file, const std::string& modelType);

/// "[768, 2304]", for messages and listings.
std::string shapeText(at::IntArrayRef shape);

/// Copies the checkpoint's tensors into `model`'s parameters (converted to their dtype and device).
/// InputError naming the file and the tensor when one the model needs is missing or mis-shaped;
/// `optional` parameters (a new task head) may be missing and keep their initial values. Returns
/// the match: what was missing (optional only) and what the checkpoint held that the model does
/// not use (pre-training heads, buffers).
WeightMatch loadHfWeights(torch::nn::Module& model, const std::string& modelType, const SafetensorsFile& file,
                          const std::vector<std::string>& optional = {});

/// Writes `model`'s parameters to `path` under their Hugging Face names (bare, as the hub's base
/// models are saved; LoRA adapters merged into their weights), through a temporary file.
void saveHfWeights(const torch::nn::Module& model, const std::string& modelType, const std::string& path);

}  // namespace trustlab
