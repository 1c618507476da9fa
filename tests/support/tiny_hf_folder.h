// A BERT-shaped Hugging Face folder for tests that fine-tune or inspect "a pretrained model" where
// none is available: config.json, random weights (model.safetensors) and a WordPiece vocab.txt of
// the given words after BERT's special tokens. Nothing in it is pretrained.
#pragma once
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/tokenizer.h"
#include "models/hf_transformer.h"
#include "pretrained/hf_weights.h"

namespace trustlab::test {

inline std::filesystem::path writeTinyBertFolder(const std::filesystem::path& folder, const std::vector<std::string>& words,
                                                 uint64_t seed = 1) {
  std::filesystem::create_directories(folder);
  {
    std::ofstream vocab(folder / "vocab.txt");
    for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) vocab << special << '\n';
    for (const auto& word : words)
      if (word != "<pad>" && word != "<unk>") vocab << word << '\n';
  }
  const long vocabSize = long(Vocabulary::ofPretrained((folder / "vocab.txt").string()).size());
  std::ofstream(folder / "config.json") << R"({"model_type": "bert", "hidden_size": 16, "num_hidden_layers": 2,
      "num_attention_heads": 2, "intermediate_size": 32, "max_position_embeddings": 64, "vocab_size": )"
                                        << vocabSize << "}";
  torch::manual_seed(seed);
  HfTransformer base(HfConfig::fromFile((folder / "config.json").string()));
  saveHfWeights(*base, "bert", (folder / "model.safetensors").string());
  return folder;
}

}  // namespace trustlab::test
