// core/experiment: ExperimentSpec, the single JSON description of a run that the GUI form, CLI
// flags and spec files all produce. Its sections declare their fields beside their structs
// (spec_fields.h lists them all); JSON I/O and range checks are made from those declarations, and
// validate() adds the checks across fields. Kept free of JSON headers so views can include it cheaply.
#pragma once
#include <string>
#include <vector>

#include "attacks/audit_config.h"
#include "config/fields.h"
#include "data/data_config.h"
#include "federated/federated_config.h"
#include "models/model_config.h"
#include "training/train_config.h"

namespace trustlab {

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

  /// Every declared field's range or choices, then the checks across fields; empty when the spec
  /// can run.
  std::vector<SpecIssue> validate() const;
  /// Throws InputError for the first issue of validate().
  void requireValid(const std::string& where = "spec") const;
  std::string sha256() const;
};

}  // namespace trustlab
