#include "tokenizers/pretrained_tokenizer.h"

#include <filesystem>
#include <map>
#include <mutex>

#include "tokenizers/byte_bpe_tokenizer.h"
#include "tokenizers/tokenizer_json.h"
#include "tokenizers/word_level_tokenizer.h"
#include "tokenizers/wordpiece_tokenizer.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

namespace fs = std::filesystem;

/// The model type a tokenizer.json declares ("WordPiece", "BPE").
std::string tokenizerJsonModel(const fs::path& path) { return tokenizerModelType(readTokenizerJson(path.string())["model"]); }

/// `path` itself when it is a file, else `folder/name` when that exists; "" otherwise.
fs::path fileIn(const fs::path& path, const char* name) {
  if (fs::is_regular_file(path)) return path.filename() == name ? path : fs::path();
  return fs::is_regular_file(path / name) ? path / name : fs::path();
}

/// A folder's tokenizer.json (Hugging Face reads it before the older files), or the file itself.
fs::path tokenizerJson(const fs::path& path) { return fileIn(path, "tokenizer.json"); }

/// The vocabulary and merges of a byte-level BPE: vocab.json + merges.txt or encoder.json + vocab.bpe.
std::pair<fs::path, fs::path> bpeFiles(const fs::path& path) {
  const fs::path folder = fs::is_regular_file(path) ? path.parent_path() : path;
  for (const auto& [vocab, merges] : {std::pair{"vocab.json", "merges.txt"}, std::pair{"encoder.json", "vocab.bpe"}})
    if (!fileIn(path, vocab).empty() && fs::is_regular_file(folder / merges)) return {folder / vocab, folder / merges};
  return {};
}

}  // namespace

void splitAtSpecialTokens(const std::string& text, const std::vector<std::string>& specials,
                          const std::function<void(size_t, size_t)>& plain,
                          const std::function<void(const std::string&, size_t)>& special) {
  size_t from = 0;
  while (true) {
    size_t at = std::string::npos;
    const std::string* found = nullptr;
    for (const auto& s : specials) {
      if (s.empty()) continue;
      const size_t p = text.find(s, from);
      if (p < at || (p == at && p != std::string::npos && s.size() > found->size())) at = p, found = &s;
    }
    if (!found) break;
    if (at > from) plain(from, at);
    special(*found, at);
    from = at + found->size();
  }
  if (from < text.size()) plain(from, text.size());
}

Registry<PretrainedTokenizerFormat>& pretrainedTokenizerRegistry() {
  static Registry<PretrainedTokenizerFormat> registry("tokenizer format", "", [](auto& r) {
    r.add({"wordpiece", "BERT WordPiece (vocab.txt, or a tokenizer.json with a WordPiece model)"},
          {"WordPiece", [](const std::string& path) { return !fileIn(path, "vocab.txt").empty(); },
           [](const std::string& path) -> std::unique_ptr<PretrainedTokenizer> {
             return WordPieceTokenizer::fromVocabFile(fileIn(path, "vocab.txt").string());
           },
           [](const std::string& json) -> std::unique_ptr<PretrainedTokenizer> {
             return WordPieceTokenizer::fromTokenizerJson(json);
           }});
    r.add({"byte_bpe", "GPT-2 byte-level BPE (vocab.json + merges.txt, encoder.json + vocab.bpe, or a tokenizer.json)"},
          {"BPE", [](const std::string& path) { return !bpeFiles(path).first.empty(); },
           [](const std::string& path) -> std::unique_ptr<PretrainedTokenizer> {
             const auto [vocab, merges] = bpeFiles(path);
             return ByteBpeTokenizer::fromFiles(vocab.string(), merges.string());
           },
           [](const std::string& json) -> std::unique_ptr<PretrainedTokenizer> {
             return ByteBpeTokenizer::fromTokenizerJson(json);
           }});
    r.add({"word_level", "whole words (a tokenizer.json with a WordLevel model, as TrustLab saves the word LMs it trains)"},
          {"WordLevel", [](const std::string&) { return false; },  // no files of its own besides tokenizer.json
           nullptr,
           [](const std::string& json) -> std::unique_ptr<PretrainedTokenizer> {
             return WordLevelTokenizer::fromTokenizerJson(json);
           }});
  });
  return registry;
}

std::unique_ptr<PretrainedTokenizer> loadPretrainedTokenizer(const std::string& path) {
  if (!fs::exists(path)) throw InputError(path, "no such file or folder");
  auto& registry = pretrainedTokenizerRegistry();
  if (const fs::path json = tokenizerJson(path); !json.empty()) {
    const std::string model = tokenizerJsonModel(json);
    for (const auto& item : registry.items())
      if (registry.at(item.name).tokenizerJsonModel == model) return registry.at(item.name).fromTokenizerJson(json.string());
    throw InputError(json.string(), "the model type '" + model + "' is not supported (WordPiece, BPE or WordLevel)", 0, "model.type");
  }
  for (const auto& item : registry.items())
    if (registry.at(item.name).recognises(path)) return registry.at(item.name).load(path);
  throw InputError(path, "no tokenizer here: expected tokenizer.json, vocab.txt (WordPiece), vocab.json + merges.txt "
                         "or encoder.json + vocab.bpe (byte-level BPE)");
}

std::shared_ptr<const PretrainedTokenizer> sharedPretrainedTokenizer(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const PretrainedTokenizer>> loaded;
  const std::lock_guard<std::mutex> lock(mutex);
  auto& t = loaded[path];
  if (!t) t = loadPretrainedTokenizer(path);
  return t;
}

SpecialTokens specialTokensOf(const PretrainedTokenizer& tokenizer, const std::string& modelType) {
  if (modelType == "gpt2") return {};
  const bool roberta = modelType == "roberta";
  const auto idOf = [&](const std::string& token) {
    const long id = tokenizer.tokenId(token);
    if (id < 0) throw InputError(token, "a " + modelType + " model needs this special token; the tokenizer's vocabulary lacks it");
    return id;
  };
  return {{idOf(roberta ? "<s>" : "[CLS]")}, {idOf(roberta ? "</s>" : "[SEP]")}};
}

std::vector<long> withSpecialTokens(const PretrainedTokenizer& tokenizer, const std::string& modelType,
                                    const std::vector<long>& ids) {
  const auto special = specialTokensOf(tokenizer, modelType);
  std::vector<long> out = special.before;
  out.insert(out.end(), ids.begin(), ids.end());
  out.insert(out.end(), special.after.begin(), special.after.end());
  return out;
}

}  // namespace trustlab
