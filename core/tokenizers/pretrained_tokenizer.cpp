#include "tokenizers/pretrained_tokenizer.h"

#include <filesystem>

#include "tokenizers/byte_bpe_tokenizer.h"
#include "tokenizers/tokenizer_json.h"
#include "tokenizers/wordpiece_tokenizer.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

namespace fs = std::filesystem;

/// The model type a tokenizer.json declares ("WordPiece", "BPE"), or "" when `path` is not one.
std::string tokenizerJsonModel(const fs::path& path) {
  if (path.filename() != "tokenizer.json" || !fs::is_regular_file(path)) return {};
  return tokenizerModelType(readTokenizerJson(path.string())["model"]);
}

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
          {[](const std::string& path) {
             const fs::path json = tokenizerJson(path);
             return json.empty() ? !fileIn(path, "vocab.txt").empty() : tokenizerJsonModel(json) == "WordPiece";
           },
           [](const std::string& path) -> std::unique_ptr<PretrainedTokenizer> {
             const fs::path json = tokenizerJson(path);
             if (!json.empty()) return WordPieceTokenizer::fromTokenizerJson(json.string());
             return WordPieceTokenizer::fromVocabFile(fileIn(path, "vocab.txt").string());
           }});
    r.add({"byte_bpe", "GPT-2 byte-level BPE (vocab.json + merges.txt, encoder.json + vocab.bpe, or a tokenizer.json)"},
          {[](const std::string& path) {
             const fs::path json = tokenizerJson(path);
             return json.empty() ? !bpeFiles(path).first.empty() : tokenizerJsonModel(json) == "BPE";
           },
           [](const std::string& path) -> std::unique_ptr<PretrainedTokenizer> {
             const fs::path json = tokenizerJson(path);
             if (!json.empty()) return ByteBpeTokenizer::fromTokenizerJson(json.string());
             const auto [vocab, merges] = bpeFiles(path);
             return ByteBpeTokenizer::fromFiles(vocab.string(), merges.string());
           }});
  });
  return registry;
}

std::unique_ptr<PretrainedTokenizer> loadPretrainedTokenizer(const std::string& path) {
  if (!fs::exists(path)) throw InputError(path, "no such file or folder");
  auto& registry = pretrainedTokenizerRegistry();
  for (const auto& item : registry.items())
    if (registry.at(item.name).recognises(path)) return registry.at(item.name).load(path);
  if (const fs::path json = tokenizerJson(path); !json.empty())
    throw InputError(json.string(), "the model type '" + tokenizerJsonModel(json) + "' is not supported (WordPiece or BPE)", 0,
                     "model.type");
  throw InputError(path, "no tokenizer here: expected tokenizer.json, vocab.txt (WordPiece), vocab.json + merges.txt "
                         "or encoder.json + vocab.bpe (byte-level BPE)");
}

}  // namespace trustlab
