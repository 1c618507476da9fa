#include "data/loaders/json_file.h"
#include "data/loaders/loaders.h"
#include "util/errors.h"

namespace trustlab {
namespace {

void readPairs(const nlohmann::json& root, const std::string& key, const std::string& file,
               std::vector<Example>& out) {
  if (!root.contains(key)) return;
  const auto& rows = root[key];
  if (!rows.is_array()) throw InputError(file, "expected an array of [text, intent] pairs", 0, key);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (!r.is_array() || r.size() != 2 || !r[0].is_string() || !r[1].is_string())
      throw InputError(file, "expected [text, intent] strings", 0, key + "[" + std::to_string(i) + "]");
    out.push_back({r[0].get<std::string>(), r[1].get<std::string>(), {}, {}, {}});
  }
}

}  // namespace

Dataset loadClinc(const std::string& file, bool includeOutOfScope) {
  const auto root = parseJsonFile(file);
  if (!root.is_object() || !root.contains("train"))
    throw InputError(file, "not a CLINC150 file (no 'train' key)", 0, "train");
  Dataset d;
  d.name = includeOutOfScope ? "clinc150-oos" : "clinc150";
  d.source = file;
  readPairs(root, "train", file, d.train);
  readPairs(root, "val", file, d.valid);
  readPairs(root, "test", file, d.test);
  if (includeOutOfScope) {
    readPairs(root, "oos_train", file, d.train);
    readPairs(root, "oos_val", file, d.valid);
    readPairs(root, "oos_test", file, d.test);
  }
  carveMissingSplits(d);
  return d;
}

}  // namespace trustlab
