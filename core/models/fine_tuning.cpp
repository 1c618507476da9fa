#include "models/fine_tuning.h"

#include <torch/torch.h>

#include <algorithm>

#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

/// Trains exactly the parameters `trains` accepts by name (and the head).
void trainOnly(torch::nn::Module& model, const std::vector<std::string>& head,
               const std::function<bool(const std::string&)>& trains) {
  for (auto& p : model.named_parameters()) {
    const bool inHead = std::find(head.begin(), head.end(), p.key()) != head.end();
    p.value().set_requires_grad(inHead || trains(p.key()));
  }
}

}  // namespace

Registry<FineTuningMode>& fineTuningModeRegistry() {
  static Registry<FineTuningMode> r("fine-tuning mode", "model.fine_tuning", [](auto& reg) {
    reg.add({"full", "every weight trains"},
            {[](torch::nn::Module& model, HfBody&, const std::vector<std::string>& head, const FineTuningConfig&) {
              trainOnly(model, head, [](const std::string&) { return true; });
            },
             {}});
    reg.add({"top_layers", "the top k Transformer blocks (and the final LayerNorm) and the head train; embeddings and lower blocks are frozen"},
            {[](torch::nn::Module& model, HfBody& body, const std::vector<std::string>& head, const FineTuningConfig& c) {
              std::vector<std::string> prefixes;
              for (long l = body.config().layers - c.topLayers; l < body.config().layers; ++l)
                prefixes.push_back(body.blockPrefix(l));
              if (body.finalNorm()) prefixes.push_back("ln_f.");
              trainOnly(model, head, [&](const std::string& name) {
                return std::any_of(prefixes.begin(), prefixes.end(), [&](const auto& p) { return name.compare(0, p.size(), p) == 0; });
              });
            },
             {"top_layers"}});
    reg.add({"bitfit", "only the bias terms (and the head) train (BitFit, Ben Zaken et al. 2022)"},
            {[](torch::nn::Module& model, HfBody&, const std::vector<std::string>& head, const FineTuningConfig&) {
              trainOnly(model, head, [](const std::string& name) { return endsWith(name, ".bias"); });
            },
             {}});
    reg.add({"lora", "low-rank adapters (rank r, scale α/r) on the attention projections and the head train; the rest is frozen (Hu et al. 2022)"},
            {[](torch::nn::Module& model, HfBody& body, const std::vector<std::string>& head, const FineTuningConfig& c) {
              for (auto& layer : body.attentionProjections()) layer->addLowRankAdapter(c.loraRank, c.loraAlpha);
              trainOnly(model, head, [](const std::string& name) {
                return name.find(".lora_A.") != std::string::npos || name.find(".lora_B.") != std::string::npos;
              });
            },
             {"lora_rank", "lora_alpha"}});
  });
  return r;
}

void applyFineTuning(torch::nn::Module& model, HfBody& body, const std::vector<std::string>& head,
                     const FineTuningConfig& config) {
  const auto& mode = fineTuningModeRegistry().at(config.mode);
  const auto reads = [&](const char* key) { return std::find(mode.fields.begin(), mode.fields.end(), key) != mode.fields.end(); };
  if (reads("top_layers") && (config.topLayers < 1 || config.topLayers > body.config().layers))
    throw InputError("model.top_layers", "must be between 1 and the model's " + std::to_string(body.config().layers) + " layers");
  if (reads("lora_rank") && config.loraRank < 1) throw InputError("model.lora_rank", "must be at least 1");
  if (reads("lora_alpha") && !(config.loraAlpha > 0)) throw InputError("model.lora_alpha", "must be positive");
  mode.apply(model, body, head, config);
}

std::pair<long long, long long> trainableCount(const torch::nn::Module& model) {
  long long trainable = 0, total = 0;
  for (const auto& p : model.parameters()) {
    total += p.numel();
    if (p.requires_grad()) trainable += p.numel();
  }
  return {trainable, total};
}

}  // namespace trustlab
