// core/data: the "data" section of a spec (which dataset, how it is read and tokenized) and its
// declared fields.
#pragma once
#include <string>

#include "config/fields.h"
#include "data/loaders/loaders.h"
#include "data/tokenizer.h"

namespace trustlab {

struct DataConfig {
  std::string dataset = "default";  ///< a datasetRegistry() name, or a path
  std::string format;               ///< empty = from the name / detected
  TableColumns columns;
  TokenizerOptions tokenizer;
  /// Counterfactual data augmentation: every training text with a gendered word is added again
  /// with the genders swapped (a bias mitigation; not with DP, whose accounting is per example).
  bool cda = false;
  /// Valid and test hold whole users, none of whose texts is trained on (held-out users: how a
  /// federated model is judged on people it never saw). Needs a user id on every text.
  bool splitByUser = false;
};

const FieldList<DataConfig>& dataFields();

}  // namespace trustlab
