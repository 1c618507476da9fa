// core/experiment: a checkpoint folder holds everything needed to use a trained model again:
// model.pt (parameters), vocab.txt, labels.txt and spec.json.
#pragma once
#include <string>
#include <vector>

#include "data/tokenizer.h"
#include "spec/experiment_spec.h"
#include "models/text_classifier.h"

namespace trustlab {

struct Checkpoint {
  ExperimentSpec spec;
  Vocabulary vocabulary;
  std::vector<std::string> labels;
  TextClassifierPtr model;
};

void saveCheckpoint(const std::string& dir, const Checkpoint& checkpoint);
/// Throws InputError naming the folder/file when something is missing or malformed.
Checkpoint loadCheckpoint(const std::string& dir);

}  // namespace trustlab
