// core/data: the in-memory dataset every module consumes.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace trustlab {

struct Slot {
  std::string name;   ///< e.g. "city", "person"
  std::string value;  ///< surface text as it appears in the utterance
};

struct Example {
  std::string text;
  std::string label;
  std::string user;    ///< user/device id (federated partitions); empty when the source has none
  std::string gender;  ///< "female", "male" or empty: the gender of the words/names it mentions
  std::vector<Slot> slotValues;
};

struct Dataset {
  std::string name;
  std::string source;  ///< where it came from: a path, or "generated"
  std::vector<Example> train, valid, test;

  /// Sorted union of labels in all splits: the class index order used by models.
  std::vector<std::string> labels() const;
  /// label → class index, for labels().
  std::map<std::string, long> labelIndex() const;
  size_t size() const { return train.size() + valid.size() + test.size(); }
};

/// Deterministic split of `all` into train/valid/test by fractions (seeded shuffle, stratified by
/// label so small classes appear in every split). Used when a source ships no split.
void splitDeterministic(std::vector<Example> all, double validFraction, double testFraction,
                        unsigned long long seed, Dataset& out);

/// Splits `d` again so that valid and test hold whole users none of whose texts is in train (what
/// federated evaluation on held-out users needs): the distinct user ids, in a seeded order, go to
/// test, valid and train by these fractions of the users. InputError naming `field` when a text has
/// no user id or there are too few users to hold any out.
void splitByUser(Dataset& d, double validFraction, double testFraction, unsigned long long seed,
                 const std::string& field);

/// Fills an empty valid and/or test split with a deterministic 10 % of train each.
void carveMissingSplits(Dataset& d, unsigned long long seed = 17);

}  // namespace trustlab
