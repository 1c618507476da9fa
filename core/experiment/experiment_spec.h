// core/experiment: ExperimentSpec, the single JSON description of a run that the GUI form, CLI
// flags and spec files all produce. Kept free of JSON headers so views can include it cheaply.
#pragma once
#include <string>
#include <vector>

#include "attacks/audit_config.h"
#include "data/loaders/loaders.h"
#include "federated/federated_config.h"
#include "data/tokenizer.h"
#include "models/model_factory.h"
#include "training/train_config.h"

namespace trustlab {

struct DataConfig {
  std::string dataset = "default";  ///< known name or path
  std::string format;               ///< empty = from the name / detected
  TableColumns columns;
  TokenizerOptions tokenizer;
  /// Counterfactual data augmentation: every training text with a gendered word is added again
  /// with the genders swapped (a bias mitigation; not with DP, whose accounting is per example).
  bool cda = false;
};

/// One problem with a spec, named by its JSON field path ("training.lr").
struct SpecIssue {
  std::string field;
  std::string message;
};

struct ExperimentSpec {
  std::string name = "default";
  DataConfig data;
  ModelConfig model;
  TrainConfig training;
  AuditConfig audit;  ///< canaries planted before training, attacks run after it (sweeps)
  FederatedConfig federated;  ///< when enabled, training is a federated simulation

  /// Canonical JSON (sorted keys, every field present): what is stored and hashed.
  std::string toJson(int indent = 2) const;
  /// Parses a spec; missing fields keep their defaults, unknown fields and wrong types throw
  /// InputError naming `where` and the field path.
  static ExperimentSpec fromJson(const std::string& text, const std::string& where = "spec");
  static ExperimentSpec fromFile(const std::string& path);

  /// Semantic checks (ranges, names); empty when the spec can run.
  std::vector<SpecIssue> validate() const;
  /// Throws InputError for the first issue of validate().
  void requireValid(const std::string& where = "spec") const;
  std::string sha256() const;
};

}  // namespace trustlab
