#include <filesystem>

#include "data/loaders/loaders.h"
#include "util/errors.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace trustlab {
namespace {

std::vector<std::string> whitespaceTokens(const std::string& s) {
  std::vector<std::string> out;
  for (auto& t : split(s, ' '))
    if (!t.empty()) out.push_back(t);
  return out;
}

/// BIO tags → slot spans.
std::vector<Slot> slotsFromBio(const std::vector<std::string>& tokens,
                               const std::vector<std::string>& tags) {
  std::vector<Slot> slotValues;
  for (size_t i = 0; i < tags.size() && i < tokens.size(); ++i) {
    const auto& tag = tags[i];
    if (tag.size() > 2 && tag[0] == 'B' && tag[1] == '-') {
      slotValues.push_back({tag.substr(2), tokens[i]});
    } else if (tag.size() > 2 && tag[0] == 'I' && tag[1] == '-' && !slotValues.empty() &&
               slotValues.back().name == tag.substr(2)) {
      slotValues.back().value += " " + tokens[i];
    }
  }
  return slotValues;
}

}  // namespace

std::vector<Example> loadSeqLabelFolder(const std::string& folder) {
  const fs::path dir(folder);
  const std::string inPath = (dir / "seq.in").string();
  const std::string labelPath = (dir / "label").string();
  if (!fs::exists(inPath)) throw InputError(inPath, "missing file (expected seq.in with one utterance per line)");
  if (!fs::exists(labelPath)) throw InputError(labelPath, "missing file (expected one label per line)");
  auto texts = readLines(inPath);
  auto labels = readLines(labelPath);
  while (!texts.empty() && trim(texts.back()).empty()) texts.pop_back();
  while (!labels.empty() && trim(labels.back()).empty()) labels.pop_back();
  if (texts.size() != labels.size())
    throw InputError(labelPath,
                     "has " + std::to_string(labels.size()) + " labels but seq.in has " +
                         std::to_string(texts.size()) + " utterances",
                     long(std::min(texts.size(), labels.size())) + 1, "label");
  std::vector<std::string> tags;
  const std::string outPath = (dir / "seq.out").string();
  const bool haveTags = fs::exists(outPath);
  if (haveTags) tags = readLines(outPath);
  std::vector<Example> out;
  out.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    Example ex;
    ex.text = trim(texts[i]);
    ex.label = trim(labels[i]);
    if (ex.text.empty()) throw InputError(inPath, "empty utterance", long(i) + 1, "text");
    if (ex.label.empty()) throw InputError(labelPath, "empty label", long(i) + 1, "label");
    if (haveTags && i < tags.size()) {
      const auto tokens = whitespaceTokens(ex.text);
      const auto bio = whitespaceTokens(tags[i]);
      if (bio.size() != tokens.size())
        throw InputError(outPath,
                         "has " + std::to_string(bio.size()) + " tags for " +
                             std::to_string(tokens.size()) + " tokens",
                         long(i) + 1, "seq.out");
      ex.slotValues = slotsFromBio(tokens, bio);
    }
    out.push_back(std::move(ex));
  }
  return out;
}

Dataset loadSeqLabelSplits(const std::string& dirPath) {
  const fs::path dir(dirPath);
  if (!fs::is_directory(dir / "train"))
    throw InputError(dirPath, "expected train/, valid/ and test/ folders with seq.in and label");
  Dataset d;
  d.name = dir.filename().string();
  d.source = dirPath;
  d.train = loadSeqLabelFolder((dir / "train").string());
  for (const char* v : {"valid", "dev", "validation"})
    if (fs::is_directory(dir / v)) { d.valid = loadSeqLabelFolder((dir / v).string()); break; }
  if (fs::is_directory(dir / "test")) d.test = loadSeqLabelFolder((dir / "test").string());
  carveMissingSplits(d);
  return d;
}

}  // namespace trustlab
