#include "store/checkpoint.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "models/model_factory.h"
#include "spec/prepared_data.h"
#include "util/errors.h"
#include "util/text.h"
#include "util/private_files.h"

namespace fs = std::filesystem;

namespace trustlab {

void saveCheckpoint(const std::string& dir, const Checkpoint& c) {
  createPrivateDirectories(dir);
  torch::serialize::OutputArchive archive;
  c.model->save(archive);
  archive.save_to((fs::path(dir) / "model.pt").string());
  c.vocabulary.save((fs::path(dir) / "vocab.txt").string());
  std::ofstream labels(fs::path(dir) / "labels.txt");
  for (const auto& l : c.labels) labels << l << '\n';
  std::ofstream spec(fs::path(dir) / "spec.json");
  spec << c.spec.toJson() << '\n';
  if (!labels || !spec) throw InputError(dir, "cannot write checkpoint files");
}

Checkpoint loadCheckpoint(const std::string& dir) {
  Checkpoint c;
  c.spec = ExperimentSpec::fromFile((fs::path(dir) / "spec.json").string());
  const auto tokenizer = tokenizerFor(c.spec);
  // A pretrained tokenizer's vocabulary is its own, read from where the spec says it is.
  c.vocabulary = tokenizer.pretrained.empty() ? Vocabulary::load((fs::path(dir) / "vocab.txt").string())
                                              : Vocabulary::ofPretrained(tokenizer.pretrained);
  c.labels = readLines((fs::path(dir) / "labels.txt").string());
  c.model = makeClassifier(c.spec.model, long(c.vocabulary.size()), long(c.labels.size()), long(tokenizer.maxLength));
  const auto modelPath = (fs::path(dir) / "model.pt").string();
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(modelPath);
    c.model->load(archive);
  } catch (const c10::Error& e) {
    throw InputError(modelPath, std::string("cannot load model parameters: ") + e.what_without_backtrace());
  }
  c.model->eval();
  return c;
}

}  // namespace trustlab
