// BERT- and GPT-2-shaped Hugging Face folders for tests that fine-tune or inspect "a pretrained
// model" where none is available: config.json, random weights (model.safetensors) and a tokenizer
// of the given words (BERT: a WordPiece vocab.txt after its special tokens; GPT-2: a WordLevel
// tokenizer.json, as TrustLab saves its word LMs). Nothing in them is pretrained.
#pragma once
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/tokenizer.h"
#include "models/hf_transformer.h"
#include "models/causal_lm.h"
#include "pretrained/hf_folder_writer.h"
#include "pretrained/hf_weights.h"
#include "tokenizers/word_level_tokenizer.h"

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

/// A GPT-2 folder over <pad>, <unk> and `words` (width 16, one layer, 32 positions).
inline std::filesystem::path writeTinyGpt2Folder(const std::filesystem::path& folder, const std::vector<std::string>& words,
                                                 uint64_t seed = 1) {
  std::filesystem::create_directories(folder);
  std::vector<std::string> vocabulary = {"<pad>", "<unk>"};
  for (const auto& w : words)
    if (w != "<pad>" && w != "<unk>") vocabulary.push_back(w);
  std::ofstream(folder / "tokenizer.json") << WordLevelTokenizer::tokenizerJson(vocabulary, "<unk>");
  torch::manual_seed(seed);
  auto lm = wordLanguageModel(long(vocabulary.size()), 16, 1, 32);
  auto config = lm->body.config();
  config.padTokenId = 0;
  std::ofstream(folder / "config.json") << hfConfigJson(config, "GPT2LMHeadModel");
  saveHfWeights(*lm, "gpt2", (folder / "model.safetensors").string());
  return folder;
}

}  // namespace trustlab::test
