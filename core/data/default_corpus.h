// core/data: the built-in default NLU dataset, generated deterministically in code so TrustLab
// works anywhere with no files. 18 assistant intents, slot values, first names and gendered words
// spread over intents (for fairness work), and a user id per utterance with a heavy-tailed
// (Zipf) number of utterances per user and per-user intent preferences (for federated work).
#pragma once
#include "data/dataset.h"

namespace trustlab {

struct DefaultCorpusOptions {
  size_t utterances = 9000;
  size_t users = 1200;
  double zipfExponent = 1.1;  ///< utterances per user ~ rank^-s: a few heavy users, many light
  unsigned long long seed = 20221;
};

Dataset generateDefaultCorpus(const DefaultCorpusOptions& options = {});

}  // namespace trustlab
