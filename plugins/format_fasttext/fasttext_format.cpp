// Plugin: the fastText supervised format as a dataset format ("fasttext"). Each line is
// `__label__<label> <text>` (Joulin et al. 2017; the format of fastText's own datasets). A path is
// one file (split 80/10/10, seeded and stratified) or a folder with train.txt and optionally
// valid.txt and test.txt (missing splits are carved from train).
#include <filesystem>

#include "data/dataset_registry.h"
#include "plugins/plugin_api.h"
#include "util/errors.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace {

const std::string kPrefix = "__label__";

/// The examples of one file; a line without a label prefix or without text is an error naming it.
std::vector<trustlab::Example> readFastText(const std::string& path) {
  std::vector<trustlab::Example> out;
  long line = 0;
  for (const auto& raw : trustlab::readLines(path)) {
    ++line;
    const auto text = trustlab::trim(raw);
    if (text.empty()) continue;
    if (text.rfind(kPrefix, 0) != 0)
      throw trustlab::InputError(path, "expected a line starting with __label__<label>", line);
    const auto space = text.find_first_of(" \t");
    const auto label = text.substr(kPrefix.size(), space == std::string::npos ? std::string::npos : space - kPrefix.size());
    const auto utterance = space == std::string::npos ? std::string() : trustlab::trim(text.substr(space));
    if (label.empty()) throw trustlab::InputError(path, "empty label after __label__", line);
    if (utterance.empty()) throw trustlab::InputError(path, "label '" + label + "' has no text", line);
    out.push_back({utterance, label, "", "", {}});
  }
  return out;
}

trustlab::Dataset loadFastText(const std::string& path, const trustlab::TableColumns&) {
  trustlab::Dataset d;
  d.name = fs::path(path).filename().string();
  d.source = path;
  if (!fs::is_directory(path)) {
    trustlab::splitDeterministic(readFastText(path), 0.1, 0.1, 17, d);
    return d;
  }
  const auto split = [&](const char* name) {
    const auto file = fs::path(path) / name;
    return fs::exists(file) ? readFastText(file.string()) : std::vector<trustlab::Example>{};
  };
  if (!fs::exists(fs::path(path) / "train.txt")) throw trustlab::InputError(path, "a fastText folder needs train.txt");
  d.train = split("train.txt");
  d.valid = split("valid.txt");
  d.test = split("test.txt");
  trustlab::carveMissingSplits(d);
  return d;
}

void registerParts() {
  trustlab::datasetFormatRegistry().add({"fasttext", "fastText lines: __label__<label> <text> (a file, or train/valid/test.txt)"},
                                        {loadFastText});
}

}  // namespace

TRUSTLAB_PLUGIN("fastText format", "reads fastText supervised files (__label__ prefixes) as datasets", registerParts)
