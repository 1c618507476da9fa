// A federated next-word run small enough for tests: a width-16, one-layer GPT-2-shaped word LM on
// the default dataset's users, valid and test users held out, `rounds` rounds of 5 clients.
#pragma once
#include "spec/experiment_spec.h"

namespace trustlab::test {

inline ExperimentSpec tinyNextWordSpec(int rounds) {
  ExperimentSpec s;
  s.data.splitByUser = true;
  s.data.tokenizer.maxLength = 16;
  s.training.objective = "next_word";
  s.model.type = "transformer";
  s.model.embeddingDim = 16;
  s.model.layers = 1;
  s.model.ffnDim = 32;
  s.federated.enabled = true;
  s.federated.rounds = rounds;
  s.federated.clientsPerRound = 5;
  s.federated.localLr = 0.3;
  return s;
}

}  // namespace trustlab::test
