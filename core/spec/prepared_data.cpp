#include "spec/prepared_data.h"

#include <torch/torch.h>

#include "data/dataset_registry.h"
#include "models/model_factory.h"
#include "fairness/counterfactual.h"
#include "util/errors.h"

namespace trustlab {
namespace {

/// The canary audit scores the prefix's tokens followed by the secret's: that is only what the
/// model was trained on when the tokenizer keeps each secret token whole (the char tokenizer
/// does not). Checked before training, not discovered at audit time.
void requireWholeSecretTokens(const std::vector<Canary>& canaries, const TokenizerOptions& tokenizer) {
  for (const auto& c : canaries) {
    auto expected = tokenize(c.prefix, tokenizer);
    for (const auto& t : c.secret) expected.push_back(t);
    if (tokenize(c.text(), tokenizer) != expected)
      throw InputError("data.tokenizer", "the '" + tokenizer.type +
                                             "' tokenizer splits a canary's secret tokens; canaries need a tokenizer "
                                             "that keeps words whole (e.g. " + kWordTokenizer + ")");
  }
}

}  // namespace

TokenizerOptions tokenizerFor(const ExperimentSpec& spec) {
  auto options = spec.data.tokenizer;
  const auto* model = modelRegistry().find(spec.model.type);
  if (options.pretrained.empty() && model && model->tokenizer) options.pretrained = model->tokenizer(spec.model);
  return options;
}

PreparedData prepareData(const ExperimentSpec& spec, const Vocabulary* vocabulary) {
  PreparedData p;
  const auto tokenizer = tokenizerFor(spec);
  p.dataset = loadDataset(DatasetRequest{spec.data.dataset, spec.data.format, spec.data.columns});
  if (spec.data.cda) augmentCounterfactually(p.dataset.train, GenderSwapper::builtIn());
  const auto& audit = spec.audit;
  p.canaries = makeCanaries(audit, p.dataset.labels(), spec.training.seed);
  if (!p.canaries.empty() && !tokenizer.pretrained.empty())
    throw InputError("audit.canaries", "canaries are planted and scored as whole words: not yet with a pretrained "
                                       "model's subword tokenizer (set audit.canaries to 0)");
  requireWholeSecretTokens(p.canaries, tokenizer);
  plantCanaries(p.dataset.train, p.canaries, audit.canaryRepetitions);
  if (vocabulary) {
    p.vocabulary = *vocabulary;
  } else {
    std::vector<std::string> texts;
    for (const auto& e : p.dataset.train) texts.push_back(e.text);
    p.vocabulary = Vocabulary::build(texts, tokenizer);
    // The secret's format is public: every candidate token gets an id, so the vocabulary itself
    // does not reveal which tokens the secrets used.
    if (!p.canaries.empty())
      for (const auto& token : canaryAlphabet(audit.canaryAlphabet)) p.vocabulary.add(token);
  }
  p.labelIndex = p.dataset.labelIndex();
  p.train = encodeSplit(p.dataset.train, p.vocabulary, p.labelIndex, tokenizer);
  p.valid = encodeSplit(p.dataset.valid, p.vocabulary, p.labelIndex, tokenizer);
  p.test = encodeSplit(p.dataset.test, p.vocabulary, p.labelIndex, tokenizer);
  return p;
}

EncodedSplit selectRows(const EncodedSplit& split, const torch::Tensor& indices) {
  return {split.ids.index_select(0, indices), split.lengths.index_select(0, indices),
          split.labels.index_select(0, indices)};
}

EncodedSplit concatRows(const EncodedSplit& a, const EncodedSplit& b) {
  return {torch::cat({a.ids, b.ids}), torch::cat({a.lengths, b.lengths}), torch::cat({a.labels, b.labels})};
}

}  // namespace trustlab
