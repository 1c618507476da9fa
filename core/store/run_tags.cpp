#include "store/run_tags.h"

#include "util/errors.h"

namespace trustlab {

bool isRecordTag(const std::string& key) {
  for (const char* prefix : {"privacy.", "warning.", "audit.", "sweep."})
    if (key.rfind(prefix, 0) == 0) return true;
  return key == "checkpoint" || key == kResumedTag;
}

void requireUserTagKey(const std::string& key) {
  if (key.find_first_not_of(" \t") == std::string::npos) throw InputError("tag", "the key is empty");
  if (isRecordTag(key))
    throw InputError("tag " + key, "is a record TrustLab writes (privacy.*, warning.*, audit.*, sweep.*, checkpoint, resumed); "
                                   "choose another key");
}

}  // namespace trustlab
