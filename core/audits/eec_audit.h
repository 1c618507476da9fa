// core/audits: the Equity Evaluation Corpus probe (Kiritchenko & Mohammad 2018) of a stored
// sentiment classifier: P(positive) of every corpus sentence, female − male per template cell, a
// paired t-test overall and per emotion; recorded under fairness/eec/….
#pragma once
#include <string>

#include "audits/audit.h"
#include "fairness/eec.h"

namespace trustlab {

struct EecAuditReport {
  EecReport gap;
  std::string positiveLabel;  ///< the class whose probability was compared
};

/// Scores the corpus at `eecPath` with P(`positiveLabel`) under the run's model.
EecAuditReport auditEec(const AuditedRun& run, const std::string& eecPath, const std::string& positiveLabel);

inline constexpr char kEecAudit[] = "eec";
/// The registry entry. Argument: the corpus CSV (default: eec/Equity-Evaluation-Corpus.csv under
/// the data root); the request's positive label, else positiveClassFor's guess.
Audit eecAudit();

}  // namespace trustlab
