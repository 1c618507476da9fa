// core/audits: CEAT (Guo & Caliskan 2021) on a stored run's contextual token states: each test
// word's state in sentences of a corpus the user chooses (the built-in gendered corpus by default),
// sampled into many WEAT effect sizes combined by random effects; recorded under
// fairness/ceat/<test>/….
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <torch/types.h>

#include "audits/audit.h"
#include "fairness/weat.h"

namespace trustlab {

struct CeatAuditOptions {
  /// Sentences to take contexts from: a text file, one per line, or "default": the built-in
  /// gendered corpus (data/gendered_corpus.h) of `sentences` sentences.
  std::string corpus = "default";
  long sentences = 3000;
  long samples = 1000;  ///< effect sizes combined
  long perWord = 200;   ///< contexts kept per word
  uint64_t seed = 1;
};

struct ContextualWeatReport {
  WeatTest test;
  CeatResult result;
  std::string corpus;
  long sentences = 0;                ///< of the corpus, read
  std::vector<std::string> unknown;  ///< words the run's vocabulary cannot spell (word-level <unk>)
};

/// Each word's contextual states [k, H] in the run's model, at up to `perWord` whole-word
/// occurrences in `sentences`: the mean state of the word's tokens, or for a causal model the
/// state at the sentence's end (the first that has seen the word in its whole context). Words the
/// run's word-level vocabulary maps to <unk> are listed in `unknown` and have no pool.
std::map<std::string, torch::Tensor> contextualStates(const AuditedRun& run, const std::vector<std::string>& sentences,
                                                      const std::vector<std::string>& words, long perWord,
                                                      std::vector<std::string>* unknown = nullptr);

/// CEAT of `test` (matched lower-case) on the run's contextual states.
ContextualWeatReport auditCeat(const AuditedRun& run, const WeatTest& test, const CeatAuditOptions& options = {});

inline constexpr char kCeatAudit[] = "ceat";
/// The registry entry. Argument: the test file (sent-bias format; empty: the built-in occupation
/// test), whose name is the scope. Settings: corpus, sentences, samples, per_word, seed.
Audit ceatAudit();

}  // namespace trustlab
