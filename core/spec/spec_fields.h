// core/experiment: every declared field of every spec section, lifted onto the whole
// ExperimentSpec: what JSON I/O, validation, the CLI's options and the designer's form iterate.
// The sections' own lists live beside their structs (dataFields(), modelFields(), …).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "config/fields.h"

namespace trustlab {

struct ExperimentSpec;

struct SpecField {
  std::string section;       ///< JSON object ("training"); "" for top-level fields
  std::string sectionTitle;  ///< "Training"
  FieldInfo info;
  std::function<FieldValue(const ExperimentSpec&)> get;
  std::function<void(ExperimentSpec&, const FieldValue&)> set;
  std::function<bool(const ExperimentSpec&)> applies;  ///< null: always

  /// "training.lr", or "name" at the top level.
  std::string path() const { return section.empty() ? info.key : section + "." + info.key; }
  bool appliesTo(const ExperimentSpec& s) const { return !applies || applies(s); }
};

/// Every field, section by section in the order forms show them.
const std::vector<SpecField>& specFields();
/// The field at a path ("training.lr"), or nullptr.
const SpecField* findSpecField(const std::string& path);
/// The section keys in order ("" first: the top-level fields).
std::vector<std::string> specSections();

}  // namespace trustlab
