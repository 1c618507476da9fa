#include "store/run_tags.h"

#include "util/errors.h"

namespace trustlab {

namespace {

/// Prefixes of the engine's records (auto.*: the hyperparameters it chose for the run).
constexpr const char* kRecordPrefixes[] = {"privacy.", "warning.", "audit.", "sweep.", "auto."};

}  // namespace

bool isRecordTag(const std::string& key) {
  for (const char* prefix : kRecordPrefixes)
    if (key.rfind(prefix, 0) == 0) return true;
  return key == "checkpoint" || key == kResumedTag;
}

void requireUserTagKey(const std::string& key) {
  if (key.find_first_not_of(" \t") == std::string::npos) throw InputError("tag", "the key is empty");
  if (isRecordTag(key)) {
    std::string records;
    for (const char* prefix : kRecordPrefixes) records += std::string(prefix) + "*, ";
    throw InputError("tag " + key, "is a record TrustLab writes (" + records + "checkpoint, " + kResumedTag +
                                       "); choose another key");
  }
}

}  // namespace trustlab
