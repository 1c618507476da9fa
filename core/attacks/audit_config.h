// core/attacks: what a spec asks the privacy audit to do: canaries to plant before training and
// the attacks to run after it, with its declared fields.
#pragma once
#include <string>

#include "config/fields.h"

namespace trustlab {

struct AuditConfig {
  // Canaries: `canaries` utterances "<prefix> <secret>" in one intent, each repeated.
  int canaries = 0;                          ///< 0 = none planted
  int canaryRepetitions = 10;
  std::string canaryPrefix = "my pin code is";
  int canaryLength = 4;                      ///< secret tokens
  std::string canaryAlphabet = "digits";     ///< digits | letters
  std::string canaryIntent;                  ///< empty = canary k goes to label k (mod #labels)
  // Membership inference run by sweeps (the CLI can also run it on any stored run).
  std::string mia = "none";  ///< none | loss | lira
  int shadows = 16;          ///< LiRA shadow models
  int auditExamples = 500;   ///< members and as many non-members scored
};

const FieldList<AuditConfig>& auditFields();

}  // namespace trustlab
