// trustlab-cli tokenize: a text through a pretrained model's tokenizer (core/tokenizers), as
// Hugging Face's encode(text, add_special_tokens=False) gives it: ids, tokens and byte offsets.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_commands.h"
#include "tokenizers/pretrained_tokenizer.h"
#include "util/errors.h"

namespace trustlab::cli {

int tokenizeCommand(const std::vector<std::string>& argv) {
  const Args a(argv, {"tokenizer", "text"}, {"json"},
               {"trustlab-cli tokenize",
                "Tokenizes a text with a pretrained model's tokenizer, without special tokens. Usage: trustlab-cli "
                "tokenize --tokenizer DIR_OR_FILE --text T [--json]",
                {{"tokenizer", "a model folder, tokenizer.json, vocab.txt, vocab.json or encoder.json (merges beside it)"},
                 {"text", "the text"},
                 {"json", "print {\"ids\", \"tokens\", \"offsets\"} (offsets: UTF-8 bytes [begin, end) of the text)"}}});
  if (!a.has("tokenizer")) throw InputError("--tokenizer", "which tokenizer? (a model folder or its tokenizer files)");
  if (!a.has("text")) throw InputError("--text", "the text to tokenize is missing");
  const auto tokenizer = loadPretrainedTokenizer(a.get("tokenizer"));
  const auto e = tokenizer->encode(a.get("text"));
  if (a.has("json")) {
    nlohmann::json offsets = nlohmann::json::array();
    for (const auto& [b, end] : e.offsets) offsets.push_back({b, end});
    std::cout << nlohmann::json{{"ids", e.ids}, {"tokens", e.tokens}, {"offsets", offsets}}.dump() << std::endl;
    return 0;
  }
  std::printf("%s tokenizer, %zu tokens in its vocabulary; %zu tokens:\n", tokenizer->format().c_str(),
              tokenizer->vocabularySize(), e.ids.size());
  const std::string& text = a.get("text");
  for (size_t i = 0; i < e.ids.size(); ++i)
    std::printf("  %6ld  %-20s [%zu, %zu) %s\n", e.ids[i], e.tokens[i].c_str(), e.offsets[i].first, e.offsets[i].second,
                text.substr(e.offsets[i].first, e.offsets[i].second - e.offsets[i].first).c_str());
  return 0;
}

}  // namespace trustlab::cli
