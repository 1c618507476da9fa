// core/models: how much of a pretrained Transformer a fine-tuning run trains — the modes DP
// fine-tuning papers rely on (Yu et al. 2022, "Differentially private fine-tuning of language
// models"; Li et al. 2022), as a registry: full, the top k layers, bias terms only (BitFit, Ben Zaken
// et al. 2022), LoRA adapters on the attention projections (Hu et al. 2022). Every mode trains the
// task head. Freezing is requires_grad = false: optimisers, clipping and noise then skip those
// parameters (layers/tracked_layers.h: trainableParameters), so the privacy cost is paid only on
// what is trained.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "config/registry.h"
#include "models/hf_transformer.h"
#include "models/model_config.h"

namespace trustlab {

struct FineTuningMode {
  /// Freezes what the mode does not train (and adds adapters); `head` names the task head's
  /// parameters, which always train.
  std::function<void(torch::nn::Module& model, HfBody& body, const std::vector<std::string>& head,
                     const FineTuningConfig& config)>
      apply;
  std::vector<std::string> fields;  ///< the "model" keys it reads (top_layers, lora_rank, …)
};

/// full, top_layers, bitfit, lora (the spec field model.fine_tuning chooses).
Registry<FineTuningMode>& fineTuningModeRegistry();

/// Applies `config`'s mode to a freshly loaded model. InputError naming the field for a bad
/// number (top layers outside 1…L, rank < 1, α ≤ 0).
void applyFineTuning(torch::nn::Module& model, HfBody& body, const std::vector<std::string>& head,
                     const FineTuningConfig& config);

/// Trainable and total parameter counts, for reports ("LoRA trains 0.3 % of the weights").
std::pair<long long, long long> trainableCount(const torch::nn::Module& model);

}  // namespace trustlab
