// trustlab-cli model: what a Hugging Face model folder holds (core/pretrained): `model info DIR`
// prints its type and sizes from config.json, every tensor of its weight file with dtype and shape,
// the parameter count, and its tokenizer.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_commands.h"
#include "pretrained/hf_config.h"
#include "pretrained/safetensors.h"
#include "tokenizers/pretrained_tokenizer.h"
#include "util/errors.h"

namespace trustlab::cli {
namespace {

using json = nlohmann::json;

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

int modelInfo(const Args& a) {
  if (a.positional().size() != 1) throw InputError("model info", "expects one model folder");
  const auto folder = openHfModelFolder(a.positional()[0]);
  if (folder.weights.size() < 12 || folder.weights.substr(folder.weights.size() - 12) != ".safetensors")
    // LibTorch 1.13's unpickler fails on a torch.save'd state dict (collections.OrderedDict).
    throw InputError(folder.weights, "LibTorch cannot read torch.save'd state dicts: convert it to model.safetensors "
                                     "(e.g. safetensors.torch.save_file(torch.load(f), \"model.safetensors\"))");
  const SafetensorsFile weights(folder.weights);
  const auto& c = folder.settings;
  long long parameters = 0;
  json tensors = json::array();
  for (const auto& name : weights.names()) {
    const auto& e = weights.entry(name);
    long long n = 1;
    for (auto d : e.shape) n *= d;
    const bool buffer = isHfBuffer(c.modelType, name);
    if (!buffer) parameters += n;
    tensors.push_back({{"name", name}, {"dtype", e.dtype}, {"shape", e.shape}, {"buffer", buffer}});
  }
  std::unique_ptr<PretrainedTokenizer> tokenizer;
  std::string tokenizerProblem;
  try {
    tokenizer = loadPretrainedTokenizer(folder.folder);
  } catch (const InputError& e) {
    tokenizerProblem = e.what();
  }
  if (a.has("json")) {
    json j{{"folder", folder.folder},
           {"model_type", c.modelType},
           {"hidden_size", c.hiddenSize},
           {"layers", c.layers},
           {"heads", c.heads},
           {"intermediate_size", c.intermediateSize},
           {"activation", c.activation},
           {"layer_norm_eps", c.layerNormEps},
           {"max_positions", c.maxPositions},
           {"vocab_size", c.vocabSize},
           {"type_vocab_size", c.typeVocabSize},
           {"tied_embeddings", c.tiedEmbeddings},
           {"weights", folder.weights},
           {"parameters", parameters},
           {"tensors", tensors}};
    j["tokenizer"] = tokenizer ? json{{"format", tokenizer->format()}, {"vocabulary", tokenizer->vocabularySize()}}
                               : json{{"problem", tokenizerProblem}};
    std::cout << j.dump() << std::endl;
    return 0;
  }
  std::printf("%s: %s, %ld layers, hidden %ld, %ld heads, intermediate %ld, %s, vocabulary %ld, %ld positions\n",
              folder.folder.c_str(), c.modelType.c_str(), c.layers, c.hiddenSize, c.heads, c.intermediateSize,
              c.activation.c_str(), c.vocabSize, c.maxPositions);
  std::printf("weights %s: %zu tensors, %lld parameters (buffers not counted)\n", folder.weights.c_str(), tensors.size(), parameters);
  for (const auto& t : tensors)
    std::printf("  %-60s %-5s %s%s\n", t["name"].get<std::string>().c_str(), t["dtype"].get<std::string>().c_str(),
                shapeText(t["shape"].get<std::vector<int64_t>>()).c_str(), t["buffer"].get<bool>() ? "  (buffer)" : "");
  if (tokenizer) std::printf("tokenizer: %s, %zu tokens\n", tokenizer->format().c_str(), tokenizer->vocabularySize());
  else std::printf("tokenizer: none (%s)\n", tokenizerProblem.c_str());
  return 0;
}

}  // namespace

int modelCommand(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] != "info") throw InputError("model", "expects the subcommand: info DIR");
  const Args a(std::vector<std::string>(argv.begin() + 1, argv.end()), {}, {"json"});
  return modelInfo(a);
}

}  // namespace trustlab::cli
