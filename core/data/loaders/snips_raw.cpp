#include <algorithm>
#include <filesystem>

#include "data/loaders/json_file.h"
#include "data/loaders/loaders.h"
#include "util/errors.h"

namespace fs = std::filesystem;

namespace trustlab {
namespace {

std::vector<Example> readSnipsFile(const fs::path& file, const std::string& intent) {
  const auto root = parseJsonFile(file.string());
  const std::string where = file.string();
  if (!root.is_object() || !root.contains(intent) || !root[intent].is_array())
    throw InputError(where, "expected an object with an array under the intent name", 0, intent);
  std::vector<Example> out;
  size_t index = 0;
  for (const auto& item : root[intent]) {
    const std::string field = intent + "[" + std::to_string(index++) + "].data";
    if (!item.is_object() || !item.contains("data") || !item["data"].is_array())
      throw InputError(where, "expected an array of text chunks", 0, field);
    Example ex;
    ex.label = intent;
    for (const auto& chunk : item["data"]) {
      if (!chunk.is_object() || !chunk.contains("text") || !chunk["text"].is_string())
        throw InputError(where, "chunk without a string 'text'", 0, field);
      const std::string text = chunk["text"].get<std::string>();
      ex.text += text;
      if (chunk.contains("entity") && chunk["entity"].is_string())
        ex.slotValues.push_back({chunk["entity"].get<std::string>(), text});
    }
    out.push_back(std::move(ex));
  }
  return out;
}

}  // namespace

Dataset loadSnipsRaw(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError(dir, "not a directory (expected SNIPS 2017 raw layout)");
  std::vector<fs::path> intentDirs;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory() && fs::exists(entry.path() / ("train_" + entry.path().filename().string() + "_full.json")))
      intentDirs.push_back(entry.path());
  if (intentDirs.empty())
    throw InputError(dir, "no <Intent>/train_<Intent>_full.json files found");
  std::sort(intentDirs.begin(), intentDirs.end());
  Dataset d;
  d.name = "snips-raw";
  d.source = dir;
  for (const auto& p : intentDirs) {
    const std::string intent = p.filename().string();
    for (auto& e : readSnipsFile(p / ("train_" + intent + "_full.json"), intent)) d.train.push_back(std::move(e));
    const auto validate = p / ("validate_" + intent + ".json");
    if (fs::exists(validate))
      for (auto& e : readSnipsFile(validate, intent)) d.test.push_back(std::move(e));
  }
  carveMissingSplits(d);
  return d;
}

}  // namespace trustlab
