// trustlab-cli model: a Hugging Face model folder (core/pretrained, core/models/hf_transformer.h).
// `model info DIR`: its type and sizes from config.json, every tensor of its weight file with dtype
// and shape, the parameter count, and its tokenizer. `model encode DIR --text T`: the ids (with the
// special tokens Hugging Face adds), last_hidden_state and, with an LM head, the last position's
// logits. `model generate DIR --prompt T`: a seeded continuation from a GPT-2-family model.
// `model export --run ID --output DIR`: a run's fine-tuned pretrained model as a Hugging Face
// folder again (weights with its classification head, LoRA merged; config with its labels;
// the tokenizer files of the folder it started from).
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_commands.h"
#include "models/causal_lm.h"
#include "models/model_factory.h"
#include "pretrained/hf_config.h"
#include "pretrained/hf_folder_writer.h"
#include "pretrained/hf_weights.h"
#include "pretrained/safetensors.h"
#include "store/checkpoint.h"
#include "store/run_store.h"
#include "tokenizers/pretrained_tokenizer.h"
#include "util/errors.h"
#include "util/text.h"
#include "util/private_files.h"

namespace trustlab::cli {
namespace {

using json = nlohmann::json;

int modelInfo(const Args& a) {
  if (a.positional().size() != 1) throw InputError("model info", "expects one model folder");
  const auto folder = openHfModelFolder(a.positional()[0]);
  const auto file = openHfWeights(folder);
  const auto& weights = *file;
  const auto& c = folder.settings;
  const long long parameters = hfParameterCount(weights, c.modelType);
  json tensors = json::array();
  for (const auto& name : weights.names()) {
    const auto& e = weights.entry(name);
    tensors.push_back({{"name", name}, {"dtype", e.dtype}, {"shape", e.shape}, {"buffer", isHfBuffer(c.modelType, name)}});
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

/// The model folder named by the one positional argument, its model and its tokenizer.
struct LoadedModel {
  HfModelFolder folder;
  HfTransformer model{nullptr};
  std::unique_ptr<PretrainedTokenizer> tokenizer;
};
LoadedModel loadModel(const Args& a, const char* command) {
  if (a.positional().size() != 1) throw InputError(command, "expects one model folder");
  LoadedModel m;
  m.folder = openHfModelFolder(a.positional()[0]);
  m.model = loadHfTransformer(m.folder);
  m.tokenizer = loadPretrainedTokenizer(m.folder.folder);
  return m;
}

std::vector<float> values(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat32).contiguous().cpu();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

int modelEncode(const Args& a) {
  auto m = loadModel(a, "model encode");
  const auto& type = m.folder.settings.modelType;
  const auto ids = withSpecialTokens(*m.tokenizer, type, m.tokenizer->encode(a.get("text")).ids);
  torch::NoGradGuard noGrad;
  const auto input = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kLong).unsqueeze(0);
  const auto hidden = m.model->forward(input, torch::ones_like(input, torch::kBool)).squeeze(0);
  json j{{"ids", ids}, {"hidden", json::array()}};
  for (int64_t t = 0; t < hidden.size(0); ++t) j["hidden"].push_back(values(hidden[t]));
  if (m.folder.settings.tiedEmbeddings) j["logits"] = values(m.model->body.lmLogits(hidden[-1]));
  if (a.has("json")) {
    std::cout << j.dump() << std::endl;
    return 0;
  }
  std::printf("%zu tokens, hidden size %ld\n", ids.size(), long(hidden.size(1)));
  for (size_t t = 0; t < ids.size(); ++t)
    std::printf("  %6ld  mean %+.5f  sd %.5f\n", ids[t], hidden[long(t)].mean().item<double>(), hidden[long(t)].std().item<double>());
  if (j.contains("logits"))
    std::printf("next token: %ld\n", long(m.model->body.lmLogits(hidden[-1]).argmax().item<int64_t>()));
  return 0;
}

int modelGenerate(const Args& a) {
  auto m = loadModel(a, "model generate");
  if (!m.folder.settings.tiedEmbeddings)
    throw InputError(m.folder.folder, "a " + m.folder.settings.modelType + " model has no LM head to generate with");
  GenerationOptions o;
  o.maxNewTokens = a.getLong("max-new-tokens", 20);
  o.temperature = a.getDouble("temperature", 1.0);
  o.topK = a.getLong("top-k", 0);
  o.topP = a.getDouble("top-p", 1.0);
  o.seed = uint64_t(a.getLong("seed", 0));
  o.stopId = m.tokenizer->tokenId("<|endoftext|>");
  const auto prompt = m.tokenizer->encode(a.get("prompt")).ids;
  const std::map<std::string, std::string> optionFor{
      {"max_new_tokens", "max-new-tokens"}, {"temperature", "temperature"}, {"top_k", "top-k"}, {"top_p", "top-p"},
      {"prompt", "prompt"}};
  const auto added = namingOptions(optionFor, [&] { return generateTokens(*m.model, prompt, o); });
  const auto text = m.tokenizer->decode(added);
  if (a.has("json")) std::cout << json({{"prompt_ids", prompt}, {"ids", added}, {"text", text}}).dump() << std::endl;
  else std::printf("%s%s\n", a.get("prompt").c_str(), text.c_str());
  return 0;
}

/// Hugging Face's class for a family's sequence classifier (config.json's "architectures").
std::string classifierArchitecture(const std::string& modelType) {
  if (modelType == "gpt2") return "GPT2ForSequenceClassification";
  if (modelType == "distilbert") return "DistilBertForSequenceClassification";
  if (modelType == "roberta") return "RobertaForSequenceClassification";
  return "BertForSequenceClassification";
}

int modelExport(const Args& a) {
  namespace fs = std::filesystem;
  if (!a.has("run")) throw InputError("--run", "which stored run's model? (trustlab-cli runs list)");
  if (!a.has("output")) throw InputError("--output", "the folder to write is missing");
  const RunStore store(storePath(a), /*readOnly=*/true);
  const long long id = a.getLong("run", 0);
  const auto checkpoint = loadCheckpoint(runArtifactDir(store.path(), id));
  const auto* entry = modelRegistry().find(checkpoint.spec.model.type);
  if (!entry || !entry->tokenizer)
    throw InputError("--run", "run " + std::to_string(id) + "'s model (" + checkpoint.spec.model.type +
                                  ") is not a pretrained model: there is no hub layout to export it to");
  const auto source = openHfModelFolder(checkpoint.spec.model.path);
  const fs::path out = a.get("output");
  createPrivateDirectories(out);  // a fine-tuned model can memorise its training texts
  auto config = json::parse(readFile(source.config));
  json id2label = json::object(), label2id = json::object();
  for (size_t i = 0; i < checkpoint.labels.size(); ++i) {
    id2label[std::to_string(i)] = checkpoint.labels[i];
    label2id[checkpoint.labels[i]] = i;
  }
  config["id2label"] = id2label;
  config["label2id"] = label2id;
  config["architectures"] = {classifierArchitecture(source.settings.modelType)};
  std::ofstream((out / "config.json").string()) << config.dump(2) << std::endl;
  copyTokenizerFiles(source, out.string());
  saveHfWeights(*checkpoint.model, source.settings.modelType, (out / "model.safetensors").string());
  std::printf("run %lld: %s (%zu labels) written to %s\n", id, classifierArchitecture(source.settings.modelType).c_str(),
              checkpoint.labels.size(), out.string().c_str());
  return 0;
}

}  // namespace

int modelCommand(const std::vector<std::string>& argv) {
  const std::string sub = argv.empty() ? "" : argv[0];
  const std::vector<std::string> rest(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  if (sub == "info") return modelInfo(Args(rest, {}, {"json"}));
  if (sub == "encode") return modelEncode(Args(rest, {"text"}, {"json"}));
  if (sub == "generate")
    return modelGenerate(Args(rest, {"prompt", "max-new-tokens", "temperature", "top-k", "top-p", "seed"}, {"json"}));
  if (sub == "export") return modelExport(Args(rest, {"run", "output", "store"}, {}));
  throw InputError("model",
                   "expects a subcommand: info DIR, encode DIR --text T, generate DIR --prompt T, export --run ID --output DIR");
}

}  // namespace trustlab::cli
