#include "audits/ceat_audit.h"

#include <torch/torch.h>

#include <algorithm>

#include "audits/ceat_report.h"
#include "data/gendered_corpus.h"
#include "tokenizers/token_spans.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

/// One sentence as the run's model reads it, and where the test words sit in it.
struct Context {
  std::vector<long> ids;
  std::vector<std::pair<std::string, std::vector<long>>> words;  ///< word → its token positions
};

/// Start positions of `needle` as a run of tokens in the first `limit` of `tokens`.
std::vector<long> tokenRuns(const std::vector<std::string>& tokens, const std::vector<std::string>& needle, size_t limit) {
  std::vector<long> out;
  const size_t n = std::min(tokens.size(), limit);
  for (size_t at = 0; !needle.empty() && at + needle.size() <= n; ++at)
    if (std::equal(needle.begin(), needle.end(), tokens.begin() + long(at))) out.push_back(long(at));
  return out;
}

/// The states [B, T, H] (CPU, double) of a batch of contexts, and the state of each located word.
void collectStates(const AuditedRun& run, const std::vector<Context>& batch, long perWord,
                   std::map<std::string, std::vector<torch::Tensor>>& found) {
  if (batch.empty()) return;
  size_t T = 0;
  for (const auto& c : batch) T = std::max(T, c.ids.size());
  auto ids = torch::zeros({long(batch.size()), long(T)}, torch::kLong);
  auto lengths = torch::zeros({long(batch.size())}, torch::kLong);
  for (size_t b = 0; b < batch.size(); ++b) {
    ids[long(b)].narrow(0, 0, long(batch[b].ids.size())).copy_(torch::tensor(batch[b].ids, torch::kLong));
    lengths[long(b)] = long(batch[b].ids.size());
  }
  const auto device = run.model->tokenEmbeddingTable().device();
  const auto states = run.model->tokenStates(run.model->embedTokens(ids.to(device)), lengths.to(device)).to(torch::kCPU, torch::kDouble);
  const bool causal = run.model->causalStates();
  for (size_t b = 0; b < batch.size(); ++b)
    for (const auto& [word, positions] : batch[b].words) {
      auto& pool = found[word];
      if (long(pool.size()) >= perWord) continue;
      const auto row = states[long(b)];
      pool.push_back(causal ? row[long(batch[b].ids.size()) - 1]
                            : row.index_select(0, torch::tensor(positions, torch::kLong)).mean(0));
    }
}

}  // namespace

std::map<std::string, torch::Tensor> contextualStates(const AuditedRun& run, const std::vector<std::string>& sentences,
                                                      const std::vector<std::string>& words, long perWord,
                                                      std::vector<std::string>* unknown) {
  const auto tokenizer = tokenizerFor(run.spec);
  const bool pretrained = !tokenizer.pretrained.empty();
  // A word-level vocabulary spells a word with its tokens; one it maps to <unk> has no state of its own.
  std::map<std::string, std::vector<std::string>> spelled;
  for (const auto& w : words) {
    const auto tokens = tokenize(w, tokenizer);
    const bool known = pretrained || (!tokens.empty() && std::none_of(tokens.begin(), tokens.end(), [&](const auto& t) {
                                        return run.data.vocabulary.id(t) == Vocabulary::kUnk;
                                      }));
    if (known) spelled[w] = tokens;
    else if (unknown) unknown->push_back(w);
  }
  std::map<std::string, long> wanted;  // contexts still wanted per word
  for (const auto& [w, tokens] : spelled) wanted[w] = perWord;
  std::map<std::string, std::vector<torch::Tensor>> found;
  torch::NoGradGuard noGrad;
  run.model->eval();
  std::vector<Context> batch;
  for (const auto& sentence : sentences) {
    const auto lower = toLowerAscii(sentence);
    Context c;
    if (pretrained) {
      const auto e = encodePretrainedText(sentence, tokenizer);
      c.ids.assign(e.ids.begin(), e.ids.end());
      for (auto& [w, left] : wanted)
        for (const auto& span : wholeWordOccurrences(lower, w))
          if (auto pieces = tokensInside(e, span); left > 0 && !pieces.empty()) c.words.push_back({w, pieces}), --left;
    } else {
      c.ids = encodeText(sentence, run.data.vocabulary, tokenizer);
      const auto tokens = tokenize(lower, tokenizer);
      for (auto& [w, left] : wanted)
        for (const long at : tokenRuns(tokens, spelled[w], c.ids.size())) {
          if (left <= 0) break;
          std::vector<long> positions(spelled[w].size());
          for (size_t k = 0; k < positions.size(); ++k) positions[k] = at + long(k);
          c.words.push_back({w, positions}), --left;
        }
    }
    if (c.words.empty()) continue;
    batch.push_back(std::move(c));
    if (batch.size() == 64) collectStates(run, batch, perWord, found), batch.clear();
  }
  collectStates(run, batch, perWord, found);
  std::map<std::string, torch::Tensor> pools;
  for (auto& [w, states] : found)
    if (!states.empty()) pools[w] = torch::stack(states);
  return pools;
}

ContextualWeatReport auditCeat(const AuditedRun& run, const WeatTest& test, const CeatAuditOptions& o) {
  if (o.samples < 2) throw InputError("ceat", "needs at least 2 samples", 0, "samples");
  if (o.perWord < 1) throw InputError("ceat", "needs at least 1 context per word", 0, "per_word");
  ContextualWeatReport r;
  r.test = lowerCased(test);
  r.corpus = o.corpus;
  const auto sentences = corpusSentences(o.corpus, {size_t(std::max(10L, o.sentences)), GenderedCorpusOptions{}.association, o.seed});
  r.sentences = long(sentences.size());
  const auto pools = contextualStates(run, sentences, testWords(r.test), o.perWord, &r.unknown);
  r.result = ceat(pools, r.test, o.samples, o.seed);
  return r;
}

Audit ceatAudit() {
  Audit a;
  a.family = AuditFamily::Fairness;
  a.prefix = "fairness/ceat/{scope}/";
  a.metrics = [] {
    return std::vector<AuditMetricKey>{{"effect_size", "CEAT combined effect size ({scope})", "", true},
                                       {"p_value", "CEAT p-value ({scope})", "", false},
                                       {"se", "CEAT standard error ({scope})", "", false}};
  };
  a.argument.kind = AuditArgument::File;
  a.argument.help = "CEAT test (sent-bias format; built-in: occupations)";
  a.argument.fileFilter = "Association tests (*.jsonl *.json)";
  a.argument.dataFolder = "weat_seat";
  a.argument.defaultValue = [](const AuditedRun&) { return std::string(kBuiltInOccupationTest); };
  const CeatAuditOptions d;
  a.settings = {{"corpus", "sentences to take contexts from, one per line (default: the built-in gendered corpus)",
                 d.corpus, "Text files (*.txt)"},
                {"sentences", "sentences of the built-in corpus", std::to_string(d.sentences), ""},
                {"samples", "effect sizes combined by random effects", std::to_string(d.samples), ""},
                {"per_word", "contexts kept per word", std::to_string(d.perWord), ""},
                {"seed", "seed of the corpus and the sampling", std::to_string(d.seed), ""}};
  a.run = [](const AuditedRun& run, const AuditRequest& request) {
    CeatAuditOptions o;
    o.corpus = request.settings.at("corpus");
    o.sentences = integerSetting(request, "sentences", 10);
    o.samples = integerSetting(request, "samples", 2);
    o.perWord = integerSetting(request, "per_word", 1);
    o.seed = uint64_t(integerSetting(request, "seed", 0));
    const auto test = request.argument == kBuiltInOccupationTest ? occupationTest() : loadWeatTest(request.argument);
    const auto r = auditCeat(run, test, o);
    AuditOutcome out;
    out.scope = r.test.name.substr(0, r.test.name.find('.'));
    const auto& c = r.result.combined;
    out.metrics = {{"effect_size", c.combined}, {"p_value", c.pOneSided}, {"se", c.se}};
    out.summary = describeCeat(r.test, r.result) + " in " + std::to_string(r.sentences) + " sentences of " +
                  (o.corpus == "default" ? std::string("the built-in corpus") : o.corpus) +
                  (r.unknown.empty() ? "" : "; not in the vocabulary: " + joinNames(r.unknown, ", "));
    out.json = ceatJson(r.test, r.result);
    out.tags = {{"ceat_corpus", o.corpus}};
    out.report = r;
    return out;
  };
  return a;
}

}  // namespace trustlab
