#include "attacks/canaries.h"

#include <algorithm>
#include <limits>
#include <random>

#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

std::string Canary::text() const {
  std::string t = prefix;
  for (const auto& s : secret) t += " " + s;
  return t;
}

std::vector<std::string> canaryAlphabet(const std::string& name) {
  std::vector<std::string> out;
  if (name == "digits")
    for (char c = '0'; c <= '9'; ++c) out.emplace_back(1, c);
  else if (name == "letters")
    for (char c = 'a'; c <= 'z'; ++c) out.emplace_back(1, c);
  else
    throw InputError("audit.canary_alphabet", "must be digits or letters");
  return out;
}

std::vector<Canary> makeCanaries(const AuditConfig& config, const std::vector<std::string>& labels, uint64_t seed) {
  if (config.canaries <= 0) return {};
  if (labels.empty()) throw InputError("audit.canaries", "the dataset has no labels to plant canaries in");
  if (!config.canaryIntent.empty() && std::find(labels.begin(), labels.end(), config.canaryIntent) == labels.end())
    throw InputError("audit.canary_intent", "'" + config.canaryIntent + "' is not a label of the dataset");
  const auto alphabet = canaryAlphabet(config.canaryAlphabet);
  std::mt19937_64 rng(seed ^ 0xca9a97ULL);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::vector<Canary> out;
  for (int k = 0; k < config.canaries; ++k) {
    // Without a chosen intent, canaries go to different intents: sharing one, their secrets'
    // tokens would all point to it and no secret could stand out from the others.
    Canary c{config.canaryPrefix, {}, config.canaryIntent.empty() ? labels[size_t(k) % labels.size()] : config.canaryIntent};
    for (int i = 0; i < config.canaryLength; ++i) c.secret.push_back(alphabet[pick(rng)]);
    out.push_back(std::move(c));
  }
  return out;
}

void plantCanaries(std::vector<Example>& train, const std::vector<Canary>& canaries, int repetitions) {
  for (size_t k = 0; k < canaries.size(); ++k)
    for (int r = 0; r < repetitions; ++r)
      train.push_back(Example{canaries[k].text(), canaries[k].label, "canary-" + std::to_string(k)});
}

CanaryTokens canaryTokens(const std::string& prefix, const std::vector<std::string>& words, const Vocabulary& vocab,
                          const TokenizerOptions& options) {
  auto o = options;
  o.maxLength = std::numeric_limits<size_t>::max() / 2;
  std::string text = prefix;
  std::vector<std::pair<size_t, size_t>> spans;  // each word's bytes in `text`
  for (const auto& w : words) {
    text += " ";
    spans.emplace_back(text.size(), text.size() + w.size());
    text += w;
  }
  const auto refuse = [&](const std::string& word) {
    return InputError("data.tokenizer", "the tokenizer does not keep '" + word + "' a token of its own after a canary's "
                                        "prefix; canaries need one token per secret word (e.g. the " + kWordTokenizer +
                                        " tokenizer, or digits with BERT's or GPT-2's)");
  };
  CanaryTokens out;
  if (o.pretrained.empty()) {
    const auto tokens = tokenize(text, o);
    const auto head = tokenize(prefix, o);
    for (const auto& t : head) out.before.push_back(vocab.id(t));
    if (tokens.size() != head.size() + words.size()) throw refuse(words.empty() ? text : words.front());
    for (size_t k = 0; k < words.size(); ++k) {
      if (tokens[head.size() + k] != (o.lowercase ? toLowerAscii(words[k]) : words[k])) throw refuse(words[k]);
      out.words.push_back(vocab.id(tokens[head.size() + k]));
    }
    return out;
  }
  // Pretrained: each word is the one token whose bytes end with it (GPT-2's token holds the space
  // before it); special tokens have empty spans, before the text or after it.
  const auto e = encodePretrainedText(text, o);
  size_t k = 0;
  for (size_t i = 0; i < e.ids.size(); ++i) {
    const auto [b, end] = e.offsets[i];
    if (b == end) {
      (k == 0 && out.words.empty() && b == 0 ? out.before : out.after).push_back(e.ids[i]);
    } else if (end <= prefix.size()) {
      if (!out.words.empty()) throw refuse(words[k - 1]);
      out.before.push_back(e.ids[i]);
    } else {
      if (k >= words.size() || end != spans[k].second || b + 1 < spans[k].first) throw refuse(words[std::min(k, words.size() - 1)]);
      out.words.push_back(e.ids[i]);
      ++k;
    }
  }
  if (k != words.size()) throw refuse(words.empty() ? text : words.back());
  return out;
}

}  // namespace trustlab
