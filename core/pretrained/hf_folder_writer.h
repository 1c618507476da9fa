// core/pretrained: writing a model folder that TrustLab and Hugging Face read back: config.json
// from an HfConfig (under its family's names), and the tokenizer files copied from the folder a
// model came from. The weights are pretrained/hf_weights.h saveHfWeights.
#pragma once
#include <string>

#include "pretrained/hf_config.h"

namespace trustlab {

/// config.json's text for `config`, `architecture` its "architectures" entry (e.g. GPT2LMHeadModel);
/// HfConfig::fromJson reads it back unchanged (a negative pad id is left out: the reader's default).
std::string hfConfigJson(const HfConfig& config, const std::string& architecture);

/// Copies `source`'s tokenizer files (its .txt, .json and .model files but config.json) into `folder`.
void copyTokenizerFiles(const HfModelFolder& source, const std::string& folder);

}  // namespace trustlab
