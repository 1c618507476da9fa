#include "spec/prepared_data.h"

#include <torch/torch.h>

#include "data/dataset_registry.h"
#include "models/model_factory.h"
#include "fairness/counterfactual.h"
#include "privacy/dp_vocabulary.h"
#include "util/errors.h"

namespace trustlab {

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
  if (spec.data.splitByUser) splitByUser(p.dataset, 0.1, 0.1, 17, "data.split_by_user");
  if (spec.data.cda) augmentCounterfactually(p.dataset.train, GenderSwapper::builtIn());
  const auto& audit = spec.audit;
  p.canaries = makeCanaries(audit, p.dataset.labels(), spec.training.seed);
  plantCanaries(p.dataset.train, p.canaries, audit.canaryRepetitions);
  if (vocabulary) {
    p.vocabulary = *vocabulary;
  } else {
    std::vector<std::string> texts;
    for (const auto& e : p.dataset.train) texts.push_back(e.text);
    const auto& privacy = spec.training.privacy;
    p.vocabulary = vocabularyRelease(privacy) ? buildPrivateVocabulary(texts, tokenizer, privacy, spec.training.seed)
                                              : Vocabulary::build(texts, tokenizer);
    // The secret's format is public: every candidate token gets an id, so the vocabulary itself
    // does not reveal which tokens the secrets used.
    if (!p.canaries.empty() && tokenizer.pretrained.empty())
      for (const auto& token : canaryAlphabet(audit.canaryAlphabet)) p.vocabulary.add(token);
  }
  // The canary audit scores the prefix's tokens followed by one token per secret word: that is
  // only what the model was trained on when the tokenizer keeps each of them whole (the char
  // tokenizer does not; BERT's and GPT-2's do for digits). Checked before training.
  for (const auto& c : p.canaries) canaryTokens(c.prefix, c.secret, p.vocabulary, tokenizer);
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
